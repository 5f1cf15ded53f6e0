package app.mealplanner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the CPU went during a measurement, from /proc: CPU seconds of the bench itself, of each app
 * process, of all PostgreSQL processes, and of the whole machine, divided by the wall time (so 1.0 = one
 * core busy). This is the first thing to look at when a target is missed on a 2-core machine.
 */
final class CpuMeter {

    private static final double TICKS = 100.0; // USER_HZ on Linux
    static final String MACHINE = "machine (all processes)";
    /** Whatever else ran meanwhile (builds, tests of other people on a shared machine): noise. */
    static final String OTHER = "other processes (not this benchmark)";
    /**
     * Suffix of an entry that is part of another one (an app's JIT compiler threads), shown beside it and
     * not counted twice.
     */
    static final String PART = " of it JIT compiling";

    private final Map<String, Supplier<List<Long>>> groups = new LinkedHashMap<>();
    private Map<String, Double> startTicks;
    private double[] startMachine;
    private long startNanos;

    /** The port of the PostgreSQL this run started: other PostgreSQL servers on the machine are not ours. */
    static volatile int postgresPort;
    /** The most CPU other processes used during any measurement of this scenario (cores). */
    static volatile double maxOther;

    CpuMeter() {
        groups.put("bench (load generator)", () -> List.of(ProcessHandle.current().pid()));
        groups.put("postgres", () -> postgresPids(postgresPort));
    }

    CpuMeter with(String name, App... apps) {
        groups.put(name, () -> java.util.Arrays.stream(apps).map(App::pid).toList());
        return this;
    }

    /**
     * Also the CPU of the app's JIT compiler threads (HotSpot's "C1/C2 CompilerThread"), as entry
     * {@code name + PART}: while it is more than a few hundredths of a core the app is still warming up, and
     * what it costs is not what the app costs in steady state.
     */
    CpuMeter withJit(String name, App app) {
        groups.put(name, () -> List.of(app.pid()));
        jit.put(name + PART, app::pid);
        return this;
    }

    private final Map<String, Supplier<Long>> jit = new LinkedHashMap<>();

    CpuMeter withAll(String name, Supplier<List<App>> apps) {
        groups.put(name, () -> apps.get().stream().map(App::pid).toList());
        return this;
    }

    CpuMeter start() {
        startTicks = snapshot();
        startMachine = machine();
        startNanos = System.nanoTime();
        return this;
    }

    /** Cores used per group and for the whole machine since {@link #start()}. */
    Map<String, Double> stop() {
        Map<String, Double> end = snapshot();
        double[] endMachine = machine();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> cores = new LinkedHashMap<>();
        for (String g : groups.keySet()) {
            cores.put(g, (end.get(g) - startTicks.getOrDefault(g, 0.0)) / TICKS / seconds);
        }
        double busy = endMachine[0] - startMachine[0];
        double total = endMachine[1] - startMachine[1];
        double machine = total <= 0 ? Double.NaN : busy / total * Machine.cores();
        double ours = cores.values().stream().mapToDouble(Double::doubleValue).sum();
        for (String j : jit.keySet()) {
            // a compiler thread that HotSpot retired meanwhile takes its ticks along: never below zero
            cores.put(j, Math.max(0, end.get(j) - startTicks.getOrDefault(j, 0.0)) / TICKS / seconds);
        }
        cores.put(OTHER, Math.max(0, machine - ours));
        if (!Double.isNaN(machine)) {
            maxOther = Math.max(maxOther, machine - ours);
        }
        cores.put(MACHINE, machine);
        return cores;
    }

    static String markdown(Map<String, Double> cores) {
        StringBuilder sb = new StringBuilder("| process | cores busy (of " + Machine.cores() + ") |\n|---|---|\n");
        cores.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(String.format("%.2f", v)).append(" |\n"));
        return sb.toString();
    }

    static String inline(Map<String, Double> cores) {
        StringBuilder sb = new StringBuilder();
        cores.forEach((k, v) -> {
            if (k.endsWith(PART)) {
                return; // shown with the process it belongs to
            }
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(k.replace(" (load generator)", "").replace(" (all processes)", "").replace(" (not this benchmark)", "")).append(' ')
                    .append(String.format("%.2f", v));
            Double jit = cores.get(k + PART);
            if (jit != null) {
                sb.append(" (").append(PART.strip()).append(' ').append(String.format("%.2f", jit)).append(')');
            }
        });
        return sb.toString();
    }

    private Map<String, Double> snapshot() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<List<Long>>> g : groups.entrySet()) {
            double ticks = 0;
            boolean children = g.getKey().equals("postgres"); // backends that exited meanwhile
            for (long pid : g.getValue().get()) {
                ticks += ticks(pid, children);
            }
            out.put(g.getKey(), ticks);
        }
        jit.forEach((name, pid) -> out.put(name, compilerTicks(pid.get())));
        return out;
    }

    /** utime + stime of a process (its threads included), in clock ticks. */
    static double ticks(long pid, boolean withReapedChildren) {
        return ticks(Path.of("/proc/" + pid), withReapedChildren);
    }

    /** utime + stime of a process or thread ({@code /proc/<pid>} or {@code /proc/<pid>/task/<tid>}). */
    private static double ticks(Path proc, boolean withReapedChildren) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state=0 ... utime=11, stime=12
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withReapedChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (IOException | RuntimeException e) {
            return 0; // gone meanwhile
        }
    }

    /** utime + stime of the JIT compiler threads of a JVM, in clock ticks. */
    static double compilerTicks(long pid) {
        double t = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).matches("C\\d CompilerThre.*\\s*")) {
                        t += ticks(task, false);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return t;
    }

    /** The postmaster listening on {@code port} (its command line says "-p port") and its children. */
    static List<Long> postgresPids(int port) {
        List<Long> pids = new java.util.ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("-p " + port)).orElse(false)
                        || commandLine(p.pid()).contains("-p " + port))
                .forEach(p -> {
                    pids.add(p.pid());
                    p.descendants().forEach(d -> pids.add(d.pid()));
                });
        return pids;
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** {busy, total} jiffies of the machine. */
    private static double[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            double total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Double.parseDouble(f[i]);
            }
            double idle = Double.parseDouble(f[4]) + Double.parseDouble(f[5]);
            return new double[] {total - idle, total};
        } catch (IOException e) {
            return new double[] {0, 0};
        }
    }
}
