package app.mealplanner.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

/**
 * Scenario 6: Server-Sent Events fan-out. 1000, 5000 and 10000 subscribers of one job's event stream on one
 * api process (-Xmx1g). Heap per connection from the api's metrics after a full GC before and after the
 * streams are open; delivery latency from the database commit of a JDBC UPDATE of the job's progress to
 * the arrival of the event at each subscriber (both clocks in the bench process). Targets: 10k streams
 * within the 1 GiB heap, delivery p99 ≤ 200 ms.
 */
final class SseFanOutScenario extends Scenario {

    static final int[] LEVELS = {1000, 5000, 10000};
    static final int ROUNDS = 10;
    static final long ROUND_SPACING_MS = 500;
    private String profile = "";

    record Level(int subscribers, int connected, double connectSeconds, double heapBefore, double heapAfter,
            double heapPeak, double rssBefore, double rssAfter, double gaugeSubscribers, Histogram delivery,
            long expected, long delivered, double commitMillis, Map<String, Double> cpu, String error) {

        double perConnection() {
            return (heapAfter - heapBefore) / Math.max(1, connected);
        }
    }

    @Override
    Report run(Path repo) throws Exception {
        log("sse: starting PostgreSQL and the api (-Xmx1g)");
        stack = Stack.start(repo);
        App api = stack.startApi("sse-api", Map.of());
        Stack.awaitReady(api);
        Population users = stack.population("sse", LEVELS.length);
        List<Level> levels = new ArrayList<>();
        int i = 0;
        for (int n : LEVELS) {
            levels.add(level(api, users.tokens.get(i++), n));
        }
        return report(levels);
    }

    private Level level(App api, String token, int n) throws Exception {
        UUID job = submit(api, token, SMALL_MENU);
        long base;
        try (Connection c = stack.jdbc()) {
            execute(c, "update menu_job set status = 'RUNNING', stage = 'calling-model', progress = 30, attempt = 1, "
                    + "started_at = now() where id = ?", job);
            base = count(c, "select version from menu_job where id = ?", job);
        }
        // settle and measure the heap with nothing open
        Thread.sleep(500);
        double heapBefore = heapAfterGc(api);
        double rssBefore = rss(api.pid());
        log("sse: %d subscribers on job %s (heap after GC %.0f MiB)", n, job, heapBefore / 1048576);

        long[][] arrivals = new long[ROUNDS][n];
        CountDownLatch connected = new CountDownLatch(n);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        Semaphore handshakes = new Semaphore(200);
        byte[] request = ("GET /api/jobs/" + job + "/events HTTP/1.1\r\nHost: " + HOST + ":" + api.port
                + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        List<Thread> threads = new ArrayList<>(n);
        List<HttpConnection> sockets = java.util.Collections.synchronizedList(new ArrayList<>(n));
        CpuMeter meter = new CpuMeter().with("api", api).start();
        Metrics.Sampler peak = Metrics.sample(api, Duration.ofMillis(500), Metrics::heapUsed);
        long t0 = System.nanoTime();
        for (int s = 0; s < n; s++) {
            int index = s;
            threads.add(Thread.ofVirtual().start(() -> subscribe(index, request, api.port, base, arrivals, connected,
                    handshakes, failures, firstError, sockets)));
        }
        boolean all = connected.await(180, TimeUnit.SECONDS);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        int open = (int) (n - connected.getCount()) - failures.get();
        log("sse: %d of %d streams open in %.1f s (%d failed%s)", open, n, connectSeconds, failures.get(),
                firstError.get() == null ? "" : ": " + firstError.get());
        Thread.sleep(1000); // let the connect burst settle before measuring the heap
        double gauge = Metrics.of(api).sum("menu_sse_subscribers");
        double heapAfter = heapAfterGc(api);
        double rssAfter = rss(api.pid());
        log("sse: heap after GC %.0f MiB (%.1f KiB per stream), menu_sse_subscribers %.0f", heapAfter / 1048576,
                (heapAfter - heapBefore) / Math.max(1, open) / 1024, gauge);

        Profiler profiler = n == LEVELS[LEVELS.length - 1] ? Profiler.start(api, "sse-" + n) : null;
        long[] commitStart = new long[ROUNDS];
        double commitMillis = 0;
        try (Connection c = stack.jdbc(); PreparedStatement ps = c.prepareStatement(
                "update menu_job set progress = ?, stage = 'calling-model' where id = ?")) {
            c.setAutoCommit(false);
            for (int r = 0; r < ROUNDS; r++) {
                long roundStart = System.nanoTime();
                ps.setInt(1, 31 + r);
                ps.setObject(2, job);
                ps.executeUpdate();
                commitStart[r] = System.nanoTime();
                c.commit();
                commitMillis += (System.nanoTime() - commitStart[r]) / 1e6;
                // wait until every open stream has it (or 5 s), then keep the spacing
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < deadline && !arrived(arrivals[r], open)) {
                    Thread.sleep(5); // poll the arrival counters until every stream has the event (5 s deadline)
                }
                Load.sleepUntil(roundStart + TimeUnit.MILLISECONDS.toNanos(ROUND_SPACING_MS));
            }
            // the final state ends every stream on the server's side
            try (PreparedStatement done = c.prepareStatement("update menu_job set status = 'SUCCEEDED', stage = 'done', "
                    + "progress = 100, finished_at = now() where id = ?")) {
                done.setObject(1, job);
                done.executeUpdate();
            }
            c.commit();
        }
        Map<String, Double> cpu = meter.stop();
        if (profiler != null) {
            profile = profiler.stop("api CPU during the " + ROUNDS + " rounds at " + n + " subscribers");
        }
        double heapPeak = peak.stop().max();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(20));
        }
        synchronized (sockets) {
            sockets.forEach(HttpConnection::close);
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(5));
        }
        Histogram delivery = Load.histogram();
        long delivered = 0;
        for (int r = 0; r < ROUNDS; r++) {
            for (int s = 0; s < n; s++) {
                if (arrivals[r][s] != 0) {
                    delivered++;
                    delivery.recordValue(Math.max(1, (arrivals[r][s] - commitStart[r]) / 1000));
                }
            }
        }
        Level level = new Level(n, open, connectSeconds, heapBefore, heapAfter, heapPeak, rssBefore, rssAfter, gauge,
                delivery, (long) ROUNDS * open, delivered, commitMillis / ROUNDS, cpu,
                all ? firstError.get() : "not all streams opened within 180 s; " + firstError.get());
        log("sse: %d subscribers: delivery p50 %.1f ms p99 %.1f ms max %.1f ms, %d of %d events", n,
                delivery.getValueAtPercentile(50) / 1000.0, delivery.getValueAtPercentile(99) / 1000.0,
                delivery.getMaxValue() / 1000.0, delivered, level.expected());
        // let the api close its side before the next level measures its heap
        Thread.sleep(1000);
        return level;
    }

    private static boolean arrived(long[] round, int open) {
        int count = 0;
        for (long t : round) {
            if (t != 0) {
                count++;
            }
        }
        return count >= open;
    }

    /** One subscriber: opens the stream, timestamps every event by version, until the server ends it. */
    private static void subscribe(int index, byte[] request, int port, long base, long[][] arrivals,
            CountDownLatch connected, Semaphore handshakes, AtomicInteger failures, AtomicReference<String> firstError,
            List<HttpConnection> sockets) {
        HttpConnection http = new HttpConnection(HOST, port, 1024);
        boolean counted = false;
        handshakes.acquireUninterruptibly();
        boolean holding = true;
        try {
            http.connect();
            sockets.add(http);
            http.setReadTimeout(120_000);
            http.send(request);
            HttpConnection.Head head = http.readHead();
            if (head.status() != 200) {
                throw new IllegalStateException("events answered " + head.status());
            }
            InputStream body = http.body(head);
            long id = -1;
            String line;
            while ((line = readLine(body)) != null) {
                if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).trim());
                } else if (line.isEmpty() && id >= 0) {
                    long now = System.nanoTime();
                    if (id == base && !counted) {
                        counted = true;
                        handshakes.release();
                        holding = false;
                        connected.countDown();
                    } else {
                        int round = (int) (id - base - 1);
                        if (round >= 0 && round < ROUNDS) {
                            arrivals[round][index] = now;
                        }
                    }
                    id = -1;
                }
            }
        } catch (Exception e) {
            if (!counted) {
                failures.incrementAndGet();
                firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } finally {
            if (holding) {
                handshakes.release();
            }
            if (!counted) {
                connected.countDown();
            }
            http.close();
        }
    }

    /** A line of the event stream, or null at its end. */
    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** Heap used right after a full GC of the api (jcmd GC.run), from its metrics. */
    private static double heapAfterGc(App api) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(api.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(60, TimeUnit.SECONDS);
        Thread.sleep(300); // give the JVM a moment after GC.run before reading the heap gauge
        return Metrics.of(api).heapUsed();
    }

    static double rss(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) * 1024.0;
                }
            }
        } catch (Exception e) {
            // gone
        }
        return Double.NaN;
    }

    private Report report(List<Level> levels) {
        Level top = levels.get(levels.size() - 1);
        Report r = new Report("SSE fan-out: 1000, 5000 and 10000 subscribers on one api process",
                "How many open `GET /api/jobs/{id}/events` streams one api process (`-Xmx1g`) holds, what each costs "
                        + "in heap, and how fast a committed change of the job reaches every subscriber. Targets "
                        + "(issue 8): 10,000 streams within the 1 GiB heap, delivery p99 ≤ 200 ms from the commit.");
        boolean fits = top.connected() == top.subscribers() && top.heapPeak() < 1024.0 * 1024 * 1024 && top.error() == null;
        r.target("10,000 streams open within a 1 GiB heap", top.connected() + " open, heap after GC "
                + Report.mib(top.heapAfter()) + ", peak " + Report.mib(top.heapPeak()), "-Xmx1g", fits);
        double p99 = top.delivery().getValueAtPercentile(99) / 1000.0;
        r.target("delivery p99 ≤ 200 ms at 10,000 subscribers", Report.ms(p99) + " (" + top.delivered() + " of "
                + top.expected() + " events)", "commit of the UPDATE", p99 <= 200 && top.delivered() == top.expected());
        StringBuilder f = new StringBuilder();
        f.append("| subscribers | open | time to open all | heap after GC: before → after | per stream | heap peak "
                + "| RSS before → after | menu_sse_subscribers | delivery p50 | p99 | p99.9 | max | events delivered "
                + "| commit |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Level l : levels) {
            Histogram d = l.delivery();
            f.append("| ").append(l.subscribers()).append(" | ").append(l.connected()).append(" | ")
                    .append(String.format("%.1f s", l.connectSeconds())).append(" | ").append(Report.mib(l.heapBefore()))
                    .append(" → ").append(Report.mib(l.heapAfter())).append(" | ").append(Report.kib(l.perConnection()))
                    .append(" | ").append(Report.mib(l.heapPeak())).append(" | ").append(Report.mib(l.rssBefore()))
                    .append(" → ").append(Report.mib(l.rssAfter())).append(" | ").append(Report.num(l.gaugeSubscribers()))
                    .append(" | ").append(Report.ms(d.getValueAtPercentile(50) / 1000.0)).append(" | ")
                    .append(Report.ms(d.getValueAtPercentile(99) / 1000.0)).append(" | ")
                    .append(Report.ms(d.getValueAtPercentile(99.9) / 1000.0)).append(" | ")
                    .append(Report.ms(d.getMaxValue() / 1000.0)).append(" | ").append(l.delivered()).append(" of ")
                    .append(l.expected()).append(" | ").append(Report.ms(l.commitMillis())).append(" |\n");
        }
        f.append("\nCPU from opening the streams to the last event (cores busy of ").append(Machine.cores()).append("):\n\n");
        for (Level l : levels) {
            f.append("- ").append(l.subscribers()).append(": ").append(CpuMeter.inline(l.cpu()))
                    .append(l.error() == null ? "" : " — error: " + l.error()).append('\n');
        }
        r.figures(f.toString());
        r.reference("The commit itself: each round's latency starts when the bench calls `commit()` on its JDBC "
                + "connection (the mean commit time is in the last column), and ends when a subscriber has read the "
                + "blank line that completes the event. Both timestamps are `System.nanoTime()` of the bench process, "
                + "so no clocks need to agree. Heap is the api's own `jvm_memory_used_bytes{area=\"heap\"}` right after "
                + "`jcmd <pid> GC.run`, before any stream is open and after all are.");
        r.analysis(SseAnalysis.text(levels) + "\n" + profile);
        r.method("Per level a new job is created through the api and set RUNNING with JDBC; N subscribers (one "
                + "user, the job's owner, `Authorization: Bearer`) open the stream, at most 200 handshakes at a "
                + "time, each on its own socket and virtual thread in the bench. Once all have the initial state, "
                + ROUNDS + " rounds follow, " + ROUND_SPACING_MS + " ms apart: one `update menu_job set progress = …` "
                + "committed by the bench (the trigger's `pg_notify` carries the new status to the api's LISTEN "
                + "connection, which sends it to every stream of that job). A round waits until every stream has "
                + "it or 5 s. Finally the job is set SUCCEEDED, which ends every stream from the server's side. The "
                + "subscribers all watch one job, the hardest case for fan-out (one notification, N writes); with "
                + "one stream per job the api's work per event is the same per stream.");
        r.setup("api: `java " + String.join(" ", Stack.JVM) + " -jar api/…/quarkus-run.jar`, env "
                + envTable(stack.apiEnv()) + "; bench process open-file limit raised by run.sh (`ulimit -n`, "
                + "hard limit " + hardLimit() + ").");
        r.database(stack);
        return r;
    }

    private static String hardLimit() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (l.startsWith("Max open files")) {
                    String[] f = l.trim().split("\\s+");
                    return f[3] + " soft / " + f[4] + " hard";
                }
            }
        } catch (Exception e) {
            // unknown
        }
        return "unknown";
    }
}
