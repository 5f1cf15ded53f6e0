package app.mealplanner.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 5: polling the job status. GET /api/jobs/{id} answered 200 (full JobStatus) and 304 (If-None-Match
 * with the current ETag) at 64 connections, against a trivial endpoint of the same api process
 * (GET /q/health/live). Targets: the 200 path ≥ 50 %, the 304 path ≥ 80 % of the reference's req/s.
 */
final class StatusReadsScenario extends Scenario {

    static final int CONNECTIONS = 64;
    static final double LATENCY_LOAD = 0.75;

    private final StringBuilder profiles = new StringBuilder();

    record Run(String name, Load.Result saturation, Load.Result paced, Map<String, Double> cpu, double poolMax,
            double poolWaitMax) {
    }

    @Override
    Report run(Path repo) throws Exception {
        Duration warm = seconds(5);
        Duration measure = seconds(10);
        log("status-reads: starting PostgreSQL and the api");
        stack = Stack.start(repo);
        App api = stack.startApi("status-api", Map.of());
        Stack.awaitReady(api);
        Population users = stack.population("status", CONNECTIONS);
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            jobs.add(submit(api, users.tokens.get(i), SMALL_MENU));
        }
        // RUNNING, as a job is while its page polls (no worker runs: nothing moves them on)
        try (Connection c = stack.jdbc()) {
            execute(c, "update menu_job set status = 'RUNNING', stage = 'calling-model', progress = 30, attempt = 1, "
                    + "started_at = now() where id = any(?)", c.createArrayOf("uuid", jobs.toArray()));
        }
        List<String> etags = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            HttpConnection.Response r = once(api, HttpConnection.get(HOST, "/api/jobs/" + jobs.get(i), users.tokens.get(i), null));
            if (r.status() != 200 || r.etag() == null) {
                throw new IllegalStateException("GET /api/jobs/{id} answered " + r.status() + " etag " + r.etag());
            }
            etags.add(r.etag());
        }
        String host = HOST + ":" + api.port;
        Map<String, Load.Requests> kinds = new LinkedHashMap<>();
        Map<String, Integer> expected = new LinkedHashMap<>();
        kinds.put("GET /q/health/live (reference)", conn -> HttpConnection.get(host, "/q/health/live", null, null));
        expected.put("GET /q/health/live (reference)", 200);
        kinds.put("GET /api/jobs/{id} → 200", conn -> HttpConnection.get(host, "/api/jobs/" + jobs.get(conn),
                users.tokens.get(conn), null));
        expected.put("GET /api/jobs/{id} → 200", 200);
        kinds.put("GET /api/jobs/{id} + If-None-Match → 304", conn -> HttpConnection.get(host, "/api/jobs/" + jobs.get(conn),
                users.tokens.get(conn), etags.get(conn)));
        expected.put("GET /api/jobs/{id} + If-None-Match → 304", 304);

        log("status-reads: JIT warm-up of all three paths");
        warmUp = JitWarmUp.until("status-reads", List.of(api), () -> {
            for (Map.Entry<String, Load.Requests> k : kinds.entrySet()) {
                int want = expected.get(k.getKey());
                Load.closed(HOST, api.port, CONNECTIONS, warm, k.getValue(), s -> s == want, null);
            }
        });
        List<Run> runs = new ArrayList<>();
        for (Map.Entry<String, Load.Requests> k : kinds.entrySet()) {
            int want = expected.get(k.getKey());
            CpuMeter meter = new CpuMeter().with("api", api).start();
            Metrics.Sampler active = Metrics.sample(api, Duration.ofMillis(250), m -> m.sum("agroal_active_count"));
            Metrics.Sampler waiting = Metrics.sample(api, Duration.ofMillis(250), m -> m.sum("agroal_awaiting_count"));
            Profiler profiler = Profiler.start(api, "status-" + runs.size());
            Load.Result sat = Load.closed(HOST, api.port, CONNECTIONS, measure, k.getValue(), s -> s == want, null);
            Map<String, Double> cpu = meter.stop();
            profiles.append(profiler.stop("api CPU, " + k.getKey() + ", closed loop")).append('\n');
            active.stop();
            waiting.stop();
            log("status-reads: %s: %.0f req/s closed loop %s", k.getKey(), sat.rate(), sat.statuses());
            Load.Result paced = Load.open(HOST, api.port, CONNECTIONS, Math.max(1, sat.rate() * LATENCY_LOAD), measure,
                    k.getValue(), s -> s == want, null);
            log("status-reads: %s at %.0f req/s: p50 %.2f ms p99 %.2f ms", k.getKey(), paced.offeredRate(), paced.p(50), paced.p(99));
            runs.add(new Run(k.getKey(), sat, paced, cpu, active.max(), waiting.max()));
        }
        return report(runs, warm, measure);
    }

    private JitWarmUp.Result warmUp;

    private Report report(List<Run> runs, Duration warm, Duration measure) {
        Run ref = runs.get(0);
        Run ok = runs.get(1);
        Run notModified = runs.get(2);
        Report r = new Report("Status reads: GET /api/jobs/{id}, 200 and 304",
                "What polling a job costs the api: the full JobStatus (200) and the conditional read with the current "
                        + "ETag (304), at 64 connections, against the cheapest endpoint of the same process. Targets "
                        + "(issue 8): 200 ≥ 50 %, 304 ≥ 80 % of the reference's req/s.");
        double r200 = ok.saturation().rate() / ref.saturation().rate();
        double r304 = notModified.saturation().rate() / ref.saturation().rate();
        r.target("200 path ≥ 50 % of the reference", Report.num(ok.saturation().rate()) + " req/s (" + Report.pct(r200) + ")",
                Report.num(ref.saturation().rate()) + " req/s", r200 >= 0.5);
        r.target("304 path ≥ 80 % of the reference", Report.num(notModified.saturation().rate()) + " req/s ("
                + Report.pct(r304) + ")", Report.num(ref.saturation().rate()) + " req/s", r304 >= 0.8);
        StringBuilder f = new StringBuilder();
        f.append("Saturation throughput (closed loop) and latency at a constant ").append(Math.round(LATENCY_LOAD * 100))
                .append(" % of it (open model, from the intended send time):\n\n");
        f.append("| endpoint | run | connections | req/s | p50 | p99 | p99.9 | max | ok | errors |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run run : runs) {
            f.append("| ").append(run.name()).append(' ').append(latencyRow("closed loop (service time)", run.saturation()))
                    .append('\n');
            f.append("| ").append(run.name()).append(' ')
                    .append(latencyRow(String.format("constant %.0f req/s", run.paced().offeredRate()), run.paced()))
                    .append('\n');
        }
        f.append("\nCPU during the closed-loop runs (cores busy of ").append(Machine.cores())
                .append(") and the api's connection pool:\n\n| endpoint | bench | api | postgres | other | machine | api CPU per request | pool max active | max waiting |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Run run : runs) {
            Map<String, Double> c = run.cpu();
            f.append("| ").append(run.name()).append(String.format(" | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f µs | ",
                    c.get("bench (load generator)"), c.get("api"), c.get("postgres"), c.get(CpuMeter.OTHER),
                    c.get(CpuMeter.MACHINE), c.get("api") / run.saturation().rate() * 1e6))
                    .append(Report.num(run.poolMax())).append(" of 20 | ").append(Report.num(run.poolWaitMax())).append(" |\n");
        }
        r.figures(f.toString());
        r.reference("`GET /q/health/live` on the same api process, same connections, same run: Vert.x, routing, "
                + "SmallRye Health's JSON, no authentication and no database (liveness has no checks that query). "
                + "It stands for what the HTTP stack alone costs; the job endpoints add a bearer-token check "
                + "(RS256 signature verification), one indexed query and, for 200, the JSON of the JobStatus.");
        r.analysis(StatusReadsAnalysis.text(ref, ok, notModified) + "\n" + profiles);
        r.method(CONNECTIONS + " jobs of " + CONNECTIONS + " users, set RUNNING in the database (as a job is while "
                + "its page polls; a QUEUED job's 200 also counts its queue position); connection i always asks for "
                + "job i with user i's token. Warm-up: steps of " + warm.toSeconds() + " s per endpoint, " + warmUp.describe()
                + ", then per endpoint "
                + measure.toSeconds() + " s closed loop (throughput) and " + measure.toSeconds() + " s at a constant "
                + Math.round(LATENCY_LOAD * 100) + " % of that rate (latency, wrk2-style: from the intended send time, "
                + "HdrHistogram). The load generator shares the machine's 2 cores with the api and PostgreSQL.");
        r.setup("api: `java " + String.join(" ", Stack.JVM) + " -jar api/…/quarkus-run.jar`, env "
                + envTable(stack.apiEnv()) + "; no worker.");
        r.database(stack);
        return r;
    }
}
