package app.mealplanner.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import app.mealplanner.worker.testing.FakeModelServer;

/**
 * Scenario 7: does heavy generation work hurt the interactive api? p99 of GET /api/menus?limit=20 at a
 * constant rate while 1000 generations are in flight (fake model, 10 s per menu), against the same reads
 * with nothing in flight. Target: ratio ≤ 1.5.
 */
final class IsolationScenario extends Scenario {

    static final int IN_FLIGHT = 1000;
    /** About how long the fake model takes per job (an outline and a one-recipe day at 26 tokens/s). */
    static final Duration LATENCY = Duration.ofSeconds(10);
    static final int READERS = 32;
    static final int CONNECTIONS = 8;
    static final double RATE = 100;
    private String profile = "";
    private int[] idleQueue;
    private int[] busyQueue;
    private double apiGcSeconds;

    @Override
    Report run(Path repo) throws Exception {
        Duration warm = seconds(5);
        Duration measure = seconds(15);
        log("isolation: starting PostgreSQL, fake model (%s), api and a worker", LATENCY);
        stack = Stack.start(repo);
        // slow enough that a job takes about 10 s; 13 tokens a chunk, so that a thousand streams at once do not
        // turn the fake into the busiest process on the machine
        FakeModelServer model = stack.startModel(FakeModelServer.builder().tokensPerSecond(26).tokensPerChunk(13)
                .firstToken(Duration.ofMillis(500)));
        App api = stack.startApi("isolation-api", Map.of());
        Map<String, String> workerEnv = new LinkedHashMap<>(Stack.modelEnv(model));
        workerEnv.put("MENU_WORKER_THREADS", String.valueOf(IN_FLIGHT));
        workerEnv.put("MENU_MODEL_MAX_CONCURRENT", String.valueOf(IN_FLIGHT));
        // without it the REST client holds at most 50 model calls at once (see the model-bound report) and
        // "1000 in flight" would mostly be jobs waiting for a pooled connection
        workerEnv.put("QUARKUS_REST_CLIENT_OPENAI_CONNECTION_POOL_SIZE", String.valueOf(IN_FLIGHT));
        App worker = stack.startWorker("isolation-worker", workerEnv);
        Stack.awaitReady(api, worker);

        // readers with menus to list: 3 each, made by the real pipeline (the model takes 10 s)
        Population readers = stack.population("reader", READERS);
        log("isolation: %d readers get 3 menus each (one model round, %s)", READERS, LATENCY);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < READERS; i++) {
                submit(api, readers.tokens.get(i), SMALL_MENU);
            }
        }
        awaitNoneActive(Duration.ofSeconds(120));
        long menus;
        try (Connection c = stack.jdbc()) {
            menus = count(c, "select count(*) from menu");
        }
        String host = HOST + ":" + api.port;
        Load.Requests reads = conn -> HttpConnection.get(host, "/api/menus?limit=20",
                readers.tokens.get(readers.cycle()), null);

        log("isolation: warm-up %s, then %s of reads at %.0f/s with nothing in flight", warm, measure, RATE);
        Load.open(HOST, api.port, CONNECTIONS, RATE, warm, reads, s -> s == 200, null);
        CpuMeter idleMeter = new CpuMeter().with("api", api).with("worker", worker).start();
        RunQueue idleQueueSampler = RunQueue.start();
        Load.Result idle = Load.open(HOST, api.port, CONNECTIONS, RATE, measure, reads, s -> s == 200, null);
        idleQueue = idleQueueSampler.stop();
        Map<String, Double> idleCpu = idleMeter.stop();
        log("isolation: idle p50 %.2f ms p99 %.2f ms", idle.p(50), idle.p(99));
        pin(api, "0");
        pin(worker, "1");
        pinnedIdle = Load.open(HOST, api.port, CONNECTIONS, RATE, measure, reads, s -> s == 200, null);
        pin(api, "0-" + (Machine.cores() - 1));
        pin(worker, "0-" + (Machine.cores() - 1));
        log("isolation: idle, api and worker on a core each: p50 %.2f ms p99 %.2f ms", pinnedIdle.p(50), pinnedIdle.p(99));

        Population users = stack.population("load", 4000);
        Load.Result busy;
        Map<String, Double> busyCpu;
        double running;
        double apiPoolWait;
        long callsDuring;
        try (InFlight keeper = new InFlight(api, stack, users, SMALL_MENU, 0); Connection c = stack.jdbc()) {
            log("isolation: ramping to %d generations in flight over %s", IN_FLIGHT, LATENCY);
            // spread over one model latency: completions (and their replacements) then come at a steady rate
            // instead of in waves of 1000
            keeper.rampTo(IN_FLIGHT, LATENCY);
            Thread.sleep(LATENCY.toMillis());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count(c, "select count(*) from menu_job where status = 'RUNNING'") < IN_FLIGHT * 0.9
                    && System.nanoTime() < deadline) {
                Thread.sleep(200); // poll the database until the generations are running (deadline above)
            }
            Thread.sleep(3000); // let the load settle before measuring
            long calls = model.calls();
            CpuMeter meter = new CpuMeter().with("api", api).with("worker", worker).start();
            Metrics.Sampler wait = Metrics.sample(api, Duration.ofMillis(250), m -> m.sum("agroal_awaiting_count"));
            Profiler apiProfile = Profiler.start(api, "isolation");
            double gcBefore = Metrics.of(api).sum("jvm_gc_pause_seconds_sum");
            RunQueue queue = RunQueue.start();
            busy = Load.open(HOST, api.port, CONNECTIONS, RATE, measure, reads, s -> s == 200, null);
            busyQueue = queue.stop();
            busyCpu = meter.stop();
            profile = apiProfile.stop("api CPU while the reads ran with " + IN_FLIGHT + " in flight");
            apiGcSeconds = Metrics.of(api).sum("jvm_gc_pause_seconds_sum") - gcBefore;
            apiPoolWait = wait.stop().max();
            running = keeper.active();
            callsDuring = model.calls() - calls;
            log("isolation: with %.0f in flight p50 %.2f ms p99 %.2f ms", running, busy.p(50), busy.p(99));
            // the same with the api and the worker on a core each, as separate pods with CPU requests would be
            pin(api, "0");
            pin(worker, "1");
            Thread.sleep(2000); // let the pinned processes settle
            pinnedBusy = Load.open(HOST, api.port, CONNECTIONS, RATE, measure, reads, s -> s == 200, null);
            pin(api, "0-" + (Machine.cores() - 1));
            pin(worker, "0-" + (Machine.cores() - 1));
            log("isolation: pinned, with %d in flight p50 %.2f ms p99 %.2f ms", keeper.active(), pinnedBusy.p(50),
                    pinnedBusy.p(99));
            keeper.target(0);
        }
        return report(idle, busy, idleCpu, busyCpu, running, apiPoolWait, callsDuring, menus, workerEnv, warm, measure);
    }

    private Load.Result pinnedIdle;
    private Load.Result pinnedBusy;

    /** Restricts every thread of the app's process to the given cores ({@code taskset -a -p -c}). */
    private static void pin(App app, String cores) throws Exception {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cores, String.valueOf(app.pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("taskset failed for " + app.name);
        }
    }

    static String perSecond(Load.Result r) {
        long[] m = r.maxMicrosPerSecond();
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(m.length, (int) Math.ceil(r.seconds())); i++) {
            out.add(String.valueOf(Math.round(m[i] / 1000.0)));
        }
        return String.join(" ", out);
    }

    private void awaitNoneActive(Duration timeout) throws Exception {
        try (Connection c = stack.jdbc()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count(c, "select count(*) from menu_job where status in ('QUEUED', 'RUNNING')") > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("seed jobs did not finish");
                }
                Thread.sleep(250); // poll until the seed jobs are done (deadline above)
            }
        }
    }

    private Report report(Load.Result idle, Load.Result busy, Map<String, Double> idleCpu, Map<String, Double> busyCpu,
            double running, double apiPoolWait, long calls, long menus, Map<String, String> workerEnv, Duration warm,
            Duration measure) {
        double ratio = busy.p(99) / idle.p(99);
        Report r = new Report("Isolation: reads while 1000 generations are in flight",
                "Whether menu generation in flight slows down what users do meanwhile: p99 of `GET /api/menus?limit=20` "
                        + "at a constant " + (int) RATE + " req/s with " + IN_FLIGHT + " generations in flight (fake "
                        + "model, 10 s each) against the same reads with none. Target (issue 8): ratio ≤ 1.5.");
        r.target("p99 with 1000 in flight ÷ p99 with none ≤ 1.5", Report.ms(busy.p(99)) + " (" + String.format("%.2f×", ratio)
                + ")", Report.ms(idle.p(99)) + " with none", ratio <= 1.5);
        StringBuilder f = new StringBuilder();
        f.append(LATENCY_HEADER.replace("| run |", "| generations in flight |")).append('\n');
        f.append(latencyRow("none", idle)).append('\n');
        f.append(latencyRow(String.format("%d (%.0f active at the end)", IN_FLIGHT, running), busy)).append('\n');
        f.append(latencyRow("none; api on core 0, worker on core 1", pinnedIdle)).append('\n');
        f.append(latencyRow(IN_FLIGHT + "; api on core 0, worker on core 1", pinnedBusy)).append('\n');
        f.append(String.format("%nThe last two rows pin the api's and the worker's threads to a core each (`taskset -a -p`), "
                + "as separate pods with CPU requests would be (PostgreSQL, the fake model and the load generator still "
                + "float over both cores): p99 ratio %.2f× (%s ÷ %s).%n", pinnedBusy.p(99) / pinnedIdle.p(99),
                Report.ms(pinnedBusy.p(99)), Report.ms(pinnedIdle.p(99))));
        f.append("\nOffered: ").append((int) RATE).append(" req/s on ").append(CONNECTIONS)
                .append(" connections, both runs. Statuses: ").append(idle.statuses()).append(" / ").append(busy.statuses())
                .append(". Model calls answered during the loaded run: ").append(calls).append(" (")
                .append(Report.num(calls / (measure.toMillis() / 1000.0))).append("/s, so about as many new jobs were "
                        + "submitted per second to keep the count). Most requests waiting for a connection "
                        + "in the api pool during the loaded run: ").append(Report.num(apiPoolWait)).append(".\n\n");
        f.append("Worst latency in each second of the runs (ms), by when the request was due — periodic spikes "
                + "point at periodic work elsewhere on the machine:\n\n");
        f.append("- none in flight: ").append(perSecond(idle)).append('\n');
        f.append("- 1000 in flight: ").append(perSecond(busy)).append("\n\n");
        f.append("Most runnable threads on the machine in each of those seconds (`procs_running` of /proc/stat, "
                + "sampled every 20 ms; more than ").append(Machine.cores()).append(" means threads waiting for a core):\n\n");
        f.append("- none in flight: ").append(RunQueue.line(idleQueue)).append('\n');
        f.append("- 1000 in flight: ").append(RunQueue.line(busyQueue)).append("\n\n");
        f.append(String.format("The api spent %.0f ms in GC pauses during the loaded run.%n%n", apiGcSeconds * 1000));
        f.append("CPU (cores busy of ").append(Machine.cores()).append("):\n\n");
        f.append("- none in flight: ").append(CpuMeter.inline(idleCpu)).append('\n');
        f.append("- 1000 in flight: ").append(CpuMeter.inline(busyCpu)).append('\n');
        r.figures(f.toString());
        r.reference("The same reads, same rate, same api process, same run, a minute earlier with nothing in flight.");
        r.analysis(IsolationAnalysis.text(pinnedIdle, pinnedBusy, idle, busy, idleCpu, busyCpu, busyQueue, apiPoolWait,
                calls / (measure.toMillis() / 1000.0)) + "\n" + profile);
        r.method(READERS + " reader users each get 3 menus through the real pipeline first (" + menus + " menus in "
                + "all). Reads: `GET /api/menus?limit=20` with a reader's token, round robin, open model at a "
                + "constant rate (wrk2-style, latency from the intended send time, HdrHistogram), " + warm.toSeconds()
                + " s warm-up then " + measure.toSeconds() + " s idle. Then the bench keeps " + IN_FLIGHT + " jobs "
                + "QUEUED or RUNNING through the api (4000 other users, a finished job is replaced at once, so about "
                + "100 submissions per second go on during the measurement), reached gradually over 10 s so that "
                + "completions come at a steady rate rather than in waves, waits until 90 % run and 3 s more, and "
                + "measures "
                + "the same reads for " + measure.toSeconds() + " s. Each of the two measurements is repeated right "
                + "after it with the api's threads pinned to core 0 and the worker's to core 1 (`taskset -a -p -c`), "
                + "and unpinned again afterwards.");
        r.setup("Worker env: " + envTable(workerEnv) + "; api env " + envTable(stack.apiEnv()) + "; `java "
                + String.join(" ", Stack.JVM) + "`; everything on the same " + Machine.cores() + " cores.");
        r.database(stack);
        return r;
    }
}
