package app.mealplanner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the machine's runnable thread count ({@code procs_running} in /proc/stat) every 20 ms and keeps
 * the maximum per second: more runnable threads than cores means some wait for a CPU.
 */
final class RunQueue {

    private final List<Integer> maxPerSecond = new ArrayList<>();
    private volatile boolean stopped;
    private Thread thread;

    static RunQueue start() {
        RunQueue q = new RunQueue();
        long start = System.nanoTime();
        q.thread = Thread.ofPlatform().daemon().name("run-queue").start(() -> {
            while (!q.stopped) {
                int second = (int) ((System.nanoTime() - start) / 1_000_000_000L);
                int running = procsRunning();
                synchronized (q.maxPerSecond) {
                    while (q.maxPerSecond.size() <= second) {
                        q.maxPerSecond.add(0);
                    }
                    q.maxPerSecond.set(second, Math.max(q.maxPerSecond.get(second), running));
                }
                try {
                    Thread.sleep(20); // the sampling interval of the run-queue length
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return q;
    }

    int[] stop() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (maxPerSecond) {
            return maxPerSecond.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    static String line(int[] perSecond) {
        StringBuilder sb = new StringBuilder();
        for (int v : perSecond) {
            sb.append(sb.isEmpty() ? "" : " ").append(v);
        }
        return sb.toString();
    }

    static double mean(int[] perSecond) {
        return java.util.Arrays.stream(perSecond).average().orElse(Double.NaN);
    }

    private static int procsRunning() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/stat"))) {
                if (l.startsWith("procs_running")) {
                    return Integer.parseInt(l.substring("procs_running".length()).trim());
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return 0;
    }
}
