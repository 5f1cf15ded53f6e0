package app.mealplanner.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * Scenario 1: how fast the api accepts menu requests. POST /api/menus from many users (one job per user)
 * at 32 and 64 connections, against the rate at which the same PostgreSQL takes single-row autocommit
 * INSERTs from as many connections (a pgbench-like JDBC loop). Target: at least 25 % of the reference.
 */
final class EnqueueScenario extends Scenario {

    static final int[] CONNECTIONS = {32, 64};
    static final double TARGET = 0.25;
    static final double LATENCY_LOAD = 0.75;

    private final Map<Integer, JitWarmUp.Result> warmUps = new LinkedHashMap<>();

    private String warmUpText() {
        StringBuilder sb = new StringBuilder();
        warmUps.forEach((n, w) -> sb.append(sb.isEmpty() ? "" : "; ").append(n).append(" connections: ")
                .append(w.describe()));
        return sb.toString();
    }

    record Insertions(int connections, double rate, Histogram latencyMicros, Map<String, Double> cpu) {
    }

    @Override
    Report run(Path repo) throws Exception {
        Duration warm = seconds(5);
        Duration measure = seconds(10);
        log("enqueue: starting PostgreSQL and the api (no worker: only the accept path is measured)");
        stack = Stack.start(repo);
        App api = stack.startApi("enqueue-api", Map.of());
        Stack.awaitReady(api);
        int poolSize = Integer.parseInt(System.getenv().getOrDefault("BENCH_ENQUEUE_USERS",
                String.valueOf((int) Math.max(2000, 15000 * SCALE))));
        long t = System.nanoTime();
        Population users = stack.population("enqueue", poolSize);
        // warm-up requests come from users of their own, each used once as a measured request's user is: a new
        // token, so the RS256 check and the token cache's insert are compiled during the warm-up, not the
        // measurement (with 2,000 users cycled, every warm-up token was already cached)
        Population warmers = stack.population("enqueue-warm-up", 2000);
        double[] warmRate = {1500};
        log("enqueue: %d users with tokens in %.1f s", poolSize, (System.nanoTime() - t) / 1e9);
        {
            HttpConnection.Response r = once(api, HttpConnection.get(HOST, "/api/menus?limit=1", users.tokens.get(0), null));
            if (r.status() != 200) {
                throw new IllegalStateException("a bench token is refused by the api: " + r.status() + " " + r.text());
            }
        }
        try (Connection c = stack.jdbc()) {
            execute(c, "create table bench_ref (id bigint primary key, payload text not null)");
        }

        AtomicLong reused = new AtomicLong();
        Load.Requests posts = conn -> {
            int u = users.take();
            if (u < 0) {
                reused.incrementAndGet();
                u = users.cycle();
            }
            return HttpConnection.postJson(HOST + ":" + api.port, "/api/menus", users.tokens.get(u), SMALL_MENU);
        };

        Load.Requests warmPosts = conn -> {
            int u = warmers.take();
            return HttpConnection.postJson(HOST + ":" + api.port, "/api/menus",
                    warmers.tokens.get(u >= 0 ? u : warmers.cycle()), SMALL_MENU);
        };
        Map<Integer, Insertions> reference = new LinkedHashMap<>();
        Map<Integer, Load.Result> saturation = new LinkedHashMap<>();
        Map<Integer, Load.Result> paced = new LinkedHashMap<>();
        Map<Integer, Map<String, Double>> cpu = new LinkedHashMap<>();
        Map<Integer, double[]> pool = new LinkedHashMap<>();
        for (int n : CONNECTIONS) {
            log("enqueue: reference, %d connections inserting single rows (autocommit)", n);
            reference.put(n, insertions(n, warm, measure));
            log("enqueue: reference %d connections: %.0f inserts/s", n, reference.get(n).rate());

            log("enqueue: api warm-up, %d connections, %s steps until compiled", n, warm);
            warmUps.put(n, JitWarmUp.until("enqueue", List.of(api),
                    () -> topUp(warmers, warmRate[0] * warm.toMillis() / 1000.0),
                    () -> warmRate[0] = Math.max(100, Load.closed(HOST, api.port, n, warm, warmPosts, s -> s == 202,
                            null).rate())));
            // one user per measured request: top the unused users up to what this run may need
            double guess = saturation.isEmpty() ? 1500 : 1.6 * saturation.values().iterator().next().rate();
            topUp(users, guess * measure.toMillis() / 1000.0);
            CpuMeter meter = new CpuMeter().with("api", api).start();
            Metrics.Sampler active = Metrics.sample(api, Duration.ofMillis(250), m -> m.sum("agroal_active_count"));
            Metrics.Sampler awaiting = Metrics.sample(api, Duration.ofMillis(250), m -> m.sum("agroal_awaiting_count"));
            Profiler profiler = n == CONNECTIONS[CONNECTIONS.length - 1] ? Profiler.start(api, "enqueue-" + n) : null;
            Load.Result sat = Load.closed(HOST, api.port, n, measure, posts, s -> s == 202, null);
            cpu.put(n, meter.stop());
            if (profiler != null) {
                profile = profiler.stop("Where the api's CPU went, closed loop at " + n + " connections");
            }
            pool.put(n, new double[] {active.stop().max(), awaiting.stop().max(), awaiting.mean()});
            saturation.put(n, sat);
            log("enqueue: api %d connections, closed loop: %.0f req/s (statuses %s)", n, sat.rate(), sat.statuses());
            double rate = Math.max(1, sat.rate() * LATENCY_LOAD);
            topUp(users, rate * measure.toMillis() / 1000.0);
            Load.Result open = Load.open(HOST, api.port, n, rate, measure, posts, s -> s == 202, null);
            paced.put(n, open);
            log("enqueue: api %d connections, %.0f req/s offered: p50 %.1f ms p99 %.1f ms", n, rate, open.p(50), open.p(99));
        }
        long accepted;
        try (Connection c = stack.jdbc()) {
            accepted = count(c, "select count(*) from menu_job");
        }
        return report(reference, saturation, paced, cpu, pool, users, reused.get(), accepted, warm, measure);
    }

    /** The pgbench-like reference: N connections, each inserting one row per autocommit transaction. */
    private final AtomicLong ids = new AtomicLong();

    private void topUp(Population users, double needed) throws Exception {
        long t = System.nanoTime();
        int before = users.size();
        stack.ensureUnused(users, "enqueue", (int) Math.ceil(needed * 1.15));
        if (users.size() > before) {
            log("enqueue: %d more users with tokens in %.1f s", users.size() - before, (System.nanoTime() - t) / 1e9);
        }
    }
    private String profile = "";

    private Insertions insertions(int connections, Duration warm, Duration measure) throws Exception {
        String payload = "x".repeat(300);
        long start = System.nanoTime() + 50_000_000L;
        long from = start + warm.toNanos();
        long to = from + measure.toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        long[] counts = new long[connections];
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            conns.add(stack.jdbc());
        }
        CpuMeter[] meter = new CpuMeter[1];
        for (int i = 0; i < connections; i++) {
            int index = i;
            Histogram h = Load.histogram();
            histograms.add(h);
            Connection c = conns.get(i);
            threads.add(Thread.ofPlatform().start(() -> {
                try (PreparedStatement ps = c.prepareStatement("insert into bench_ref (id, payload) values (?, ?)")) {
                    Load.sleepUntil(start);
                    long now;
                    while ((now = System.nanoTime()) < to) {
                        ps.setLong(1, ids.incrementAndGet());
                        ps.setString(2, payload);
                        ps.executeUpdate();
                        long done = System.nanoTime();
                        if (now >= from && done <= to) {
                            counts[index]++;
                            h.recordValue(Math.max(1, (done - now) / 1000));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        Load.sleepUntil(from);
        meter[0] = new CpuMeter().start();
        for (Thread t : threads) {
            t.join();
        }
        Map<String, Double> cpu = meter[0].stop();
        for (Connection c : conns) {
            c.close();
        }
        Histogram all = Load.histogram();
        histograms.forEach(all::add);
        long total = 0;
        for (long n : counts) {
            total += n;
        }
        return new Insertions(connections, total / (measure.toNanos() / 1e9), all, cpu);
    }

    private Report report(Map<Integer, Insertions> reference, Map<Integer, Load.Result> saturation,
            Map<Integer, Load.Result> paced, Map<Integer, Map<String, Double>> cpu, Map<Integer, double[]> pool,
            Population users, long reused, long accepted, Duration warm, Duration measure) {
        Report r = new Report("Enqueue: POST /api/menus throughput",
                "How many menu requests one api process accepts per second (202, row QUEUED, JobRunr job enqueued, "
                        + "workers notified), against how many single-row INSERTs the same PostgreSQL takes from as "
                        + "many connections. Target (issue 8): the api reaches at least 25 % of that reference.");
        for (int n : CONNECTIONS) {
            double ratio = saturation.get(n).rate() / reference.get(n).rate();
            r.target("POST /api/menus at " + n + " connections ≥ 25 % of the INSERT rate",
                    Report.num(saturation.get(n).rate()) + " req/s (" + Report.pct(ratio) + ")",
                    Report.num(reference.get(n).rate()) + " inserts/s", ratio >= TARGET);
        }
        StringBuilder f = new StringBuilder();
        f.append("Saturation throughput (closed loop, every connection sends its next request when the previous "
                + "answer is in) and latency at a constant " + Math.round(LATENCY_LOAD * 100)
                + " % of that rate (open model, latency from the intended send time):\n\n");
        f.append(LATENCY_HEADER).append('\n');
        for (int n : CONNECTIONS) {
            f.append(latencyRow("closed loop (service time)", saturation.get(n))).append('\n');
            f.append(latencyRow(String.format("constant %.0f req/s", paced.get(n).offeredRate()), paced.get(n)))
                    .append('\n');
        }
        f.append("\nOnly 202 counts as ok. Responses by status: ");
        for (int n : CONNECTIONS) {
            f.append(n).append(" connections ").append(saturation.get(n).statuses()).append(" / ")
                    .append(paced.get(n).statuses()).append("; ");
        }
        f.append("\n\nRows in menu_job at the end: ").append(accepted).append(" (every 202 is a row). Users: ")
                .append(users.size()).append(" seeded for the measured runs (topped up between runs), ").append(users.used()).append(" used once")
                .append(reused > 0 ? ", " + reused + " requests reused a user after all had one job" : "").append(".\n\n");
        f.append("Where the CPU went during the closed-loop runs (cores busy, of ").append(Machine.cores()).append("):\n\n");
        f.append("| connections | bench | api | postgres | other processes | machine | api pool: max active | max waiting for a connection |\n|---|---|---|---|---|---|---|---|\n");
        for (int n : CONNECTIONS) {
            Map<String, Double> c = cpu.get(n);
            f.append("| ").append(n).append(" | ").append(String.format("%.2f", c.get("bench (load generator)")))
                    .append(" | ").append(String.format("%.2f", c.get("api"))).append(" | ")
                    .append(String.format("%.2f", c.get("postgres"))).append(" | ")
                    .append(String.format("%.2f", c.get(CpuMeter.OTHER))).append(" | ")
                    .append(String.format("%.2f", c.get("machine (all processes)"))).append(" | ")
                    .append(Report.num(pool.get(n)[0])).append(" of 20 | ").append(Report.num(pool.get(n)[1]))
                    .append(" |\n");
        }
        r.figures(f.toString());

        StringBuilder ref = new StringBuilder();
        ref.append("A pgbench-like JDBC loop in the bench process: N platform threads, one connection each, each "
                + "running `insert into bench_ref (id, payload) values (?, ?)` (bigint key, 300-character text) in "
                + "autocommit, so one commit (and WAL flush, fsync on) per row — the shape of pgbench's "
                + "simple-insert custom script, not pgbench itself. Same PostgreSQL, same run, measured just before "
                + "the api at the same connection count.\n\n");
        ref.append("| connections | inserts/s | p50 | p99 | CPU: postgres | CPU: bench | machine |\n|---|---|---|---|---|---|---|\n");
        for (int n : CONNECTIONS) {
            Insertions i = reference.get(n);
            ref.append("| ").append(n).append(" | ").append(Report.num(i.rate())).append(" | ")
                    .append(Report.ms(i.latencyMicros().getValueAtPercentile(50) / 1000.0)).append(" | ")
                    .append(Report.ms(i.latencyMicros().getValueAtPercentile(99) / 1000.0)).append(" | ")
                    .append(String.format("%.2f", i.cpu().get("postgres"))).append(" | ")
                    .append(String.format("%.2f", i.cpu().get("bench (load generator)"))).append(" | ")
                    .append(String.format("%.2f", i.cpu().get("machine (all processes)"))).append(" |\n");
        }
        r.reference(ref.toString());
        r.analysis(analysis(reference, saturation, cpu, pool) + "\n" + profile);
        r.method("Per connection count: reference " + warm.toSeconds() + " s warm-up + " + measure.toSeconds()
                + " s measured; api warm-up in " + warm.toSeconds() + " s closed-loop steps, each request with a user and "
                + "token of its own as in the measurement, until compiled ("
                + warmUpText() + "), " + measure.toSeconds()
                + " s closed loop for the throughput, " + measure.toSeconds() + " s at a constant "
                + Math.round(LATENCY_LOAD * 100) + " % of it for the latencies (wrk2-style: each connection has "
                + "its own schedule and a latency counts from when the request was due, HdrHistogram, so no "
                + "coordinated omission). Request body `" + SMALL_MENU + "`, one user per request (users inserted "
                + "straight into app_user, access tokens signed with the api's key: logging in 30,000 users would "
                + "cost 60,000 bcrypt hashes). Per-user limits raised (`MENU_LIMITS_ACTIVE_PER_USER`, "
                + "`MENU_LIMITS_PER_HOUR`) so none is refused. No worker runs: jobs stay ENQUEUED and the "
                + "`NOTIFY jobrunr_wakeup` reaches nobody, so the api and PostgreSQL have the 2 cores to "
                + "themselves, as the reference has. The load generator runs on the same 2 cores (its CPU share is "
                + "in the table).");
        r.setup("PostgreSQL 17 (embedded, fsync on, shared_buffers 128 MB, max_connections 300); api: `java "
                + String.join(" ", Stack.JVM) + " -jar api/target/quarkus-app/quarkus-run.jar` with "
                + envTable(stack.apiEnv()) + ".");
        r.database(stack);
        return r;
    }

    private static String analysis(Map<Integer, Insertions> reference, Map<Integer, Load.Result> saturation,
            Map<Integer, Map<String, Double>> cpu, Map<Integer, double[]> pool) {
        StringBuilder a = new StringBuilder();
        boolean missed = false;
        for (int n : CONNECTIONS) {
            Map<String, Double> c = cpu.get(n);
            double rate = saturation.get(n).rate();
            Insertions ref = reference.get(n);
            double apiUs = c.get("api") / rate * 1e6;
            double pgUs = c.get("postgres") / rate * 1e6;
            double refPgUs = ref.cpu().get("postgres") / ref.rate() * 1e6;
            missed |= rate / ref.rate() < TARGET;
            a.append(String.format("- %d connections: %.0f req/s, machine %.2f of %d cores busy (other processes "
                    + "%.2f). Per accepted request the api used %.0f µs of CPU and PostgreSQL %.0f µs; per reference "
                    + "INSERT PostgreSQL used %.0f µs. The api's pool had %s of 20 connections busy at most, with up "
                    + "to %s requests waiting for one.%n", n, rate, c.get(CpuMeter.MACHINE), Machine.cores(),
                    c.get(CpuMeter.OTHER), apiUs, pgUs, refPgUs, Report.num(pool.get(n)[0]), Report.num(pool.get(n)[1])));
        }
        if (!missed) {
            return a.toString();
        }
        a.append("""

                **Why the target is missed.** The machine's CPU is the limit (both cores busy), not a pool or a lock:
                the reference commits one 300-byte row per statement, while one `POST /api/menus` is (1) an RS256
                signature check and JWT parsing — every measured request is a new user with a new token, so the
                api's verified-token cache cannot help here, as it does for polling — (2) JSON binding, bean
                validation and a SHA-256 of the request, (3) a transaction of three statements (lock the user row,
                read the active jobs and the hourly quota in one, insert the row) and (4) JobRunr's enqueue — a
                second transaction on another pooled connection that serialises the job to JSON and inserts it into
                `jobrunr_jobs`: five statements and two commits where the reference has one, plus the api's own Java work, which costs
                more CPU than PostgreSQL's share (per-request figures above). 25 % of the reference would mean the
                whole request costing about four bare INSERTs, which this design cannot reach on two shared cores.
                The reference is also flattered by the embedded server's `synchronous_commit=off` (see Database
                below): commits do not wait for the WAL flush, so an INSERT is almost free.

                What changed after the first report (2026-11-23: 810 and 1,101 req/s, 2 %): its profile showed
                38 % of the api's CPU in `VertxBlockingInput.handle`, the event loop spinning on the monitor
                RESTEasy Reactive uses to hand a blocking endpoint its body chunk by chunk; bodies that announce at
                most 64 KiB are now read on the event loop first (`BodyPreRead`). The wake-up `NOTIFY` for the
                workers no longer costs each request a pooled connection: one background sender folds concurrent
                wake-ups into one. Not done, and why: folding the per-user rules and the insert into one statement
                would need a SQL function (a single statement's CTEs share one snapshot, so the count after the
                row lock would not see a concurrent commit and the limit could be exceeded) for about a tenth of
                the api's CPU per request; the checks stay in Java, in one transaction. The profile below shows
                where the api's CPU goes now.
                """);
        return a.toString();
    }
}
