package app.mealplanner.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import app.mealplanner.worker.testing.FakeModelServer;

/**
 * Scenario 3: a worker whose jobs wait on a model that writes. A fake OpenAI-compatible model streams at
 * 60 tokens per second; a job (one dinner) makes two calls, the outline and the day. One worker; 100, 500
 * and 1000 jobs kept in flight through the api. Jobs/s against the ideal by Little's law over the model
 * calls a job makes (in flight ÷ the outline's and the day's time as the fake served them), the worker's
 * heap and its database connections in use. Target: ≥ 90 % of ideal at 500 in flight with ≤ 10
 * connections.
 */
final class ModelBoundScenario extends Scenario {

    static final int[] LEVELS = {100, 500, 1000};
    /** About how long a job's model calls take (an outline of 40 tokens, a recipe of 220, at 60 tokens/s). */
    static final Duration CYCLE = Duration.ofSeconds(5);
    static final int THREADS = 1000;

    /**
     * The fake model: realistic speed and first-token delay; 10 tokens per chunk (6 chunks a second per
     * stream) so that a thousand streams at once cost the shared two cores a few thousand events a second,
     * not sixty thousand.
     */
    static FakeModelServer.Builder model() {
        return FakeModelServer.builder().tokensPerSecond(60).tokensPerChunk(10).firstToken(Duration.ofMillis(400))
                .record(false).eventLoops(2);
    }

    record Level(int inFlight, double jobsPerSecond, double ideal, double meanRunning, double meanQueued,
            double heapMax, double activeMax, double awaitingMax, double callsPerSecond, double jobP50, long failed,
            long fallbacks, int modelConnections, Map<String, Double> cpu, double queueWaitMs, double runMs,
            double modelCallMs, double outlineMs, double dayMs) {

        /** Jobs the bench had not yet replaced (finished, replacement not yet submitted), on average. */
        double topUpGap() {
            return Math.max(0, inFlight - meanRunning - meanQueued);
        }
    }

    /** Extra worker settings from the environment (BENCH_MODEL_WORKER_ENV="K=V,K=V"), e.g. to try a fix. */
    static Map<String, String> extraEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        String spec = System.getenv().getOrDefault("BENCH_MODEL_WORKER_ENV", "");
        for (String kv : spec.split(",")) {
            if (kv.contains("=")) {
                env.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        return env;
    }

    @Override
    Report run(Path repo) throws Exception {
        Duration ramp = seconds(8);
        Duration measure = seconds(15);
        log("model-bound: starting PostgreSQL, fake model (60 tokens/s), api and one worker");
        stack = Stack.start(repo);
        FakeModelServer model = stack.startModel(model());
        api = stack.startApi("model-api", Map.of());
        Map<String, String> workerEnv = new LinkedHashMap<>(Stack.modelEnv(model));
        workerEnv.put("MENU_WORKER_THREADS", String.valueOf(THREADS));
        workerEnv.put("MENU_MODEL_MAX_CONCURRENT", String.valueOf(THREADS));
        workerEnv.putAll(extraEnv());
        App worker = stack.startWorker("model-worker", workerEnv);
        Stack.awaitReady(api, worker);
        Population users = stack.population("model", 4000);

        List<Level> levels = new ArrayList<>();
        try (InFlight keeper = new InFlight(api, stack, users, SMALL_MENU, 0)) {
            warmUp(keeper, worker);
            for (int n : LEVELS) {
                levels.add(level(n, keeper, worker, model, ramp, measure));
            }
            keeper.target(0);
        }
        return report(levels, workerEnv, ramp, measure);
    }

    /** In flight while warming up: the measured middle level, so that every path it takes gets compiled. */
    static final int WARM_UP_IN_FLIGHT = 500;

    /**
     * Before the measured levels the bench keeps {@link #WARM_UP_IN_FLIGHT} jobs in flight until the JIT has
     * compiled what they run through ({@link JitWarmUp}; fresh api and worker compiler threads took about
     * 0.35 of the two cores at 500 in flight), then lets the jobs drain, so that every level starts from an
     * empty queue as before. The JIT share during each measured level is in the CPU figures.
     */
    private void warmUp(InFlight keeper, App worker) throws Exception {
        keeper.rampTo(WARM_UP_IN_FLIGHT, CYCLE);
        // each step is 10 s of the load the keeper keeps up on its own thread: waiting is the warm-up
        warmUp = JitWarmUp.until("model-bound", List.of(api, worker), () -> Thread.sleep(10_000));
        keeper.target(0);
        awaitNoActiveJobs(stack, Duration.ofSeconds(60));
    }

    private JitWarmUp.Result warmUp;

    private Level level(int n, InFlight keeper, App worker, FakeModelServer model, Duration ramp, Duration measure)
            throws Exception {
        try (Connection c = stack.jdbc()) {
            log("model-bound: %d in flight, ramp %s", n, ramp);
            // spread the new jobs over one job's model time, so that they do not all finish (and get replaced) in step
            keeper.rampTo(n, CYCLE);
            Thread.sleep(ramp.toMillis());
            long callsBefore = model.calls();
            CpuMeter meter = new CpuMeter().withJit("api", api).withJit("worker", worker).start();
            List<Metrics.Sampler> gauges = Metrics.sample(worker, Duration.ofMillis(250), List.of(Metrics::heapUsed,
                    m -> m.sum("agroal_active_count"), m -> m.sum("agroal_awaiting_count")));
            Metrics.Sampler heap = gauges.get(0);
            Metrics.Sampler active = gauges.get(1);
            Metrics.Sampler awaiting = gauges.get(2);
            List<long[]> states = new ArrayList<>();
            int modelConnections = 0;
            Profiler profiler = n == 500 ? Profiler.start(worker, "model-" + n + "-" + worker.name) : null;
            Profiler apiProfiler = n == 500 ? Profiler.start(api, "model-" + n + "-" + api.name) : null;
            Metrics before = Metrics.of(worker);
            Timestamp from = now(c);
            long end = System.nanoTime() + measure.toNanos();
            while (System.nanoTime() < end) {
                states.add(new long[] {count(c, "select count(*) from menu_job where status = 'RUNNING'"),
                        count(c, "select count(*) from menu_job where status = 'QUEUED'")});
                modelConnections = Math.max(modelConnections, TcpConnections.toPort(model.port()));
                Thread.sleep(250); // the sampling interval of queue states and model connections
            }
            Timestamp to = now(c);
            Metrics after = Metrics.of(worker);
            Map<String, Double> cpu = meter.stop();

            if (profiler != null) {
                profiles.append(profiler.stop("Worker CPU at " + n + " in flight (" + worker.name + ")")).append('\n');
            }
            if (apiProfiler != null) {
                profiles.append(apiProfiler.stop("Api CPU at " + n + " in flight (" + api.name + ")")).append('\n');
            }
            heap.stop();
            active.stop();
            awaiting.stop();
            long calls = model.calls() - callsBefore;
            double seconds = (to.getTime() - from.getTime()) / 1000.0;
            long llm = count(c, "select count(*) from menu_job j join menu m on m.job_id = j.id where j.finished_at >= ? "
                    + "and j.finished_at < ? and j.status = 'SUCCEEDED' and m.source = 'llm'", from, to);
            long catalog = count(c, "select count(*) from menu_job j join menu m on m.job_id = j.id where j.finished_at >= ? "
                    + "and j.finished_at < ? and j.status = 'SUCCEEDED' and m.source = 'catalog'", from, to);
            long failed = count(c, "select count(*) from menu_job where finished_at >= ? and finished_at < ? "
                    + "and status <> 'SUCCEEDED'", from, to);
            double[] times = times(c, from, to);
            double jobP50 = times[0];
            String ok = "outcome=\"ok\"";
            double modelCallMs = 1000 * (after.sum("menu_model_call_seconds_sum", ok) - before.sum("menu_model_call_seconds_sum", ok))
                    / (after.sum("menu_model_call_seconds_count", ok) - before.sum("menu_model_call_seconds_count", ok));
            // the calls as the fake served them in the window: request to last byte
            java.time.Instant windowStart = from.toInstant();
            java.time.Instant windowEnd = to.toInstant();
            List<FakeModelServer.CallTime> served = model.callTimes().stream()
                    .filter(t -> !t.finished().isBefore(windowStart) && t.finished().isBefore(windowEnd)).toList();
            double outlineMs = served.stream().filter(t -> t.call().task().equals("outline"))
                    .mapToLong(FakeModelServer.CallTime::millis).average().orElse(Double.NaN);
            double dayMs = served.stream().filter(t -> t.call().task().equals("day"))
                    .mapToLong(FakeModelServer.CallTime::millis).average().orElse(Double.NaN);
            // Little's law: n jobs in flight, each needing an outline and then a day from the model
            double ideal = n / ((outlineMs + dayMs) / 1000.0);
            Level level = new Level(n, llm / seconds, ideal,
                    states.stream().mapToLong(s -> s[0]).average().orElse(0),
                    states.stream().mapToLong(s -> s[1]).average().orElse(0), heap.max(), active.max(),
                    awaiting.max(), calls / seconds, jobP50, failed, catalog, modelConnections, cpu, times[1],
                    times[2], modelCallMs, outlineMs, dayMs);
            log("model-bound: %d in flight: %.1f model menus/s (ideal %.0f), %d catalog fallbacks, running %.0f queued %.0f, "
                    + "heap %.0f MiB, connections max %.0f (waiting max %.0f), model calls %.0f/s", n, level.jobsPerSecond(),
                    level.ideal(), catalog, level.meanRunning(), level.meanQueued(), level.heapMax() / 1048576,
                    level.activeMax(), level.awaitingMax(), level.callsPerSecond());
            return level;
        }
    }

    private App api;
    private final StringBuilder profiles = new StringBuilder();

    private static double zero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static Timestamp now(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select clock_timestamp()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /**
     * Of the jobs that finished in the window: the median created→finished time of all, and the mean queue
     * wait (created→started) and run time (started→finished) of those that succeeded, all in ms.
     */
    private static double[] times(Connection c, Timestamp from, Timestamp to) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select percentile_cont(0.5) within group (order by "
                + "extract(epoch from finished_at - created_at)) * 1000, "
                + "avg(extract(epoch from started_at - created_at)) filter (where status = 'SUCCEEDED') * 1000, "
                + "avg(extract(epoch from finished_at - started_at)) filter (where status = 'SUCCEEDED') * 1000 "
                + "from menu_job where finished_at >= ? and finished_at < ?")) {
            ps.setTimestamp(1, from);
            ps.setTimestamp(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)};
            }
        }
    }

    private Report report(List<Level> levels, Map<String, String> workerEnv, Duration ramp, Duration measure) {
        Report r = new Report("Model-bound throughput: one worker, a model writing 60 tokens/s",
                "Jobs whose time is spent waiting for the model should cost the worker almost nothing: one worker "
                        + "with N jobs in flight should finish N jobs per model time of a job per second while holding "
                        + "only a few database connections. A job now makes two streamed calls (the outline, then the "
                        + "day), so its model time is the outline's plus the day's, as the fake served them. Target "
                        + "(issues 8 and 13): ≥ 90 % of ideal at 500 in flight with ≤ 10 connections. Only menus the "
                        + "model wrote count (`menu.source = 'llm'`); catalog fallbacks are listed apart.");
        Level at500 = levels.stream().filter(l -> l.inFlight() == 500).findFirst().orElseThrow();
        r.target("model menus/s at 500 in flight ≥ 90 % of ideal", Report.num(at500.jobsPerSecond()) + " jobs/s ("
                + Report.pct(at500.jobsPerSecond() / at500.ideal()) + ")", "ideal " + Report.num(at500.ideal())
                + " jobs/s", at500.jobsPerSecond() >= 0.9 * at500.ideal());
        r.target("database connections in use at 500 in flight ≤ 10", Report.num(at500.activeMax())
                + " max, " + Report.num(at500.awaitingMax()) + " jobs waiting for one at most", "pool max 10",
                at500.activeMax() <= 10);
        StringBuilder f = new StringBuilder();
        f.append("| in flight | model menus/s | ideal | of ideal | model calls/s | connections to the model (max) | RUNNING (mean) | QUEUED (mean) "
                + "| job p50 (created→finished) | heap max | connections max | waiting for a connection max "
                + "| catalog fallbacks | not succeeded |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Level l : levels) {
            f.append(row(l));
        }
        f.append("\nWhere a job's time went (means over the jobs that succeeded in the window; queue and run times "
                + "from `menu_job`, PostgreSQL's clock; the model calls as the fake served them, request to last byte, "
                + "and as the worker's `menu_model_call_seconds` timed them, successful calls only):\n\n| in flight | cycle "
                + "(queue + run) | waiting in the queue | running | outline call (fake) | day call (fake) | model time of a "
                + "job (ideal cycle) | one call as the worker timed it | rest of the job | jobs not yet replaced by the "
                + "bench (mean) |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Level l : levels) {
            f.append("| ").append(l.inFlight()).append(" | ").append(Report.ms(l.queueWaitMs() + l.runMs())).append(" | ")
                    .append(Report.ms(l.queueWaitMs())).append(" | ").append(Report.ms(l.runMs())).append(" | ")
                    .append(Report.ms(l.outlineMs())).append(" | ").append(Report.ms(l.dayMs())).append(" | ")
                    .append(Report.ms(l.outlineMs() + l.dayMs())).append(" | ").append(Report.ms(l.modelCallMs()))
                    .append(" | ").append(Report.ms(l.runMs() - l.outlineMs() - l.dayMs()))
                    .append(" | ").append(Report.num(l.topUpGap())).append(" |\n");
        }
        f.append("\nCPU per run (cores busy of ").append(Machine.cores()).append("):\n\n");
        for (Level l : levels) {
            f.append("- ").append(l.inFlight()).append(" in flight: ").append(CpuMeter.inline(l.cpu())).append('\n');
        }
        r.figures(f.toString());
        r.reference("The ideal: with N jobs always in flight and each needing the model for an outline and then a "
                + "day, Little's law gives N ÷ (outline time + day time) jobs per second. The two times are measured "
                + "at the fake model in the same window (from each request's arrival to the last byte of its "
                + "answer), so the ideal follows the model as it really served the calls, including any slowness of "
                + "the fake itself on a busy machine. It is an upper bound: a job also spends some milliseconds in the "
                + "database and in validation, and the day call can start only when the outline has named the day.");
        r.analysis(ModelBoundAnalysis.text(levels, at500) + "\n" + profiles);
        r.method("The bench keeps N jobs QUEUED or RUNNING through the real api (every 25 ms it counts them and "
                + "submits the missing ones, `" + SMALL_MENU + "`), so a finished job is replaced at once. Warm-up: "
                + WARM_UP_IN_FLIGHT + " jobs kept in flight, " + warmUp.describe() + " (api and worker together), "
                + "then drained to none, so that the figures are those of a running "
                + "service and not of one still compiling its code. Per level "
                + "the count is raised linearly over one job's model time (so the jobs do not all finish in step) and "
                + "after " + ramp.toSeconds() + " s, " + measure.toSeconds() + " s are measured: model menus/s "
                + "= jobs SUCCEEDED with an `llm` menu whose `finished_at` falls in the window (PostgreSQL clock) ÷ "
                + "window. Heap (`jvm_memory_used_bytes{area=\"heap\"}`, sum of pools, max of samples, not after GC), "
                + "`agroal_active_count` and `agroal_awaiting_count` come from one scrape of the worker's /q/metrics "
                + "every 0.25 s (one scrape for all three: each scrape costs the worker CPU). The fake model (in "
                + "the bench process, Vert.x, the worker test-jar's FakeModelServer) streams `chat.completion.chunk` events at 60 tokens/s, 10 tokens a chunk, after "
                + "400 ms, with recipes of realistic size.");
        r.setup("Worker env: " + envTable(workerEnv) + " (threads and bulkhead raised to " + THREADS
                + " so that neither caps the in-flight count); `java " + String.join(" ", Stack.JVM) + "`.");
        r.database(stack);
        return r;
    }

    private static String row(Level l) {
        return "| " + l.inFlight() + " | " + Report.num(l.jobsPerSecond()) + " | " + Report.num(l.ideal())
                + " | " + Report.pct(l.jobsPerSecond() / l.ideal()) + " | " + Report.num(l.callsPerSecond()) + " | "
                + l.modelConnections() + " | "
                + Report.num(l.meanRunning()) + " | " + Report.num(l.meanQueued()) + " | " + Report.ms(l.jobP50())
                + " | " + Report.mib(l.heapMax()) + " | " + Report.num(l.activeMax()) + " | "
                + Report.num(l.awaitingMax()) + " | " + l.fallbacks() + " | " + l.failed() + " |\n";
    }
}
