package app.mealplanner.bench;

import java.util.List;

/** What the model-bound figures say (filled in from the measured values). */
final class ModelBoundAnalysis {

    private ModelBoundAnalysis() {
    }

    static String text(List<ModelBoundScenario.Level> levels, ModelBoundScenario.Level at500,
            ModelBoundScenario.Level fixed) {
        StringBuilder a = new StringBuilder();
        for (ModelBoundScenario.Level l : levels) {
            a.append(String.format("- %d in flight: %s of ideal, %.1f model calls answered per second (%.0f calls "
                    + "open at once by Little's law; at most %d TCP connections from the worker to the model), mean "
                    + "RUNNING %.0f, QUEUED %.0f; worker heap %s; machine %.2f of %d cores busy (other processes "
                    + "%.2f).%n", l.inFlight(), Report.pct(l.jobsPerSecond() / l.ideal()), l.callsPerSecond(),
                    l.callsPerSecond() * 2, l.modelConnections(),
                    l.meanRunning(), l.meanQueued(), Report.mib(l.heapMax()), l.cpu().get(CpuMeter.MACHINE),
                    Machine.cores(), l.cpu().get(CpuMeter.OTHER)));
        }
        if (fixed != null) {
            a.append(String.format("- diagnostic, 500 in flight with `%s`: %s of ideal, %.1f model calls/s, at most %d "
                    + "connections to the model, up to %s jobs waiting for one of the 10 database connections, machine "
                    + "%.2f cores busy.%n",
                    ModelBoundScenario.DIAGNOSTIC_ENV.keySet().iterator().next() + "=" + ModelBoundScenario.THREADS,
                    Report.pct(fixed.jobsPerSecond() / fixed.ideal()), fixed.callsPerSecond(), fixed.modelConnections(),
                    Report.num(fixed.awaitingMax()), fixed.cpu().get(CpuMeter.MACHINE)));
        }
        if (at500.jobsPerSecond() >= 0.9 * at500.ideal()) {
            return a.toString();
        }
        boolean capped = at500.modelConnections() < 0.9 * at500.inFlight();
        if (capped) {
            a.append("""

                **Why the target is missed.** The worker never has more than about 50 TCP connections open to the
                model (counted by the bench from /proc/net/tcp), so by Little's law about 25 calls are answered per
                second however many jobs are in flight, while the machine is far from busy. The cap is the worker's
                REST client for the model (`quarkus.rest-client.openai`): its connection pool defaults to 50
                connections and further calls wait in the client's queue (a thread dump taken while building this
                benchmark showed the other jobs' virtual threads parked in the REST client).
                `MENU_WORKER_THREADS` and `MENU_MODEL_MAX_CONCURRENT` (the bulkhead) do not change it. The
                diagnostic row raises only that pool and shows how much of the gap it explains. Fix (worker, not
                done here): `quarkus.rest-client.openai.connection-pool-size=${menu.model.max-concurrent}`.
                """);
        }
        a.append(String.format("""

                **%s** Every job borrows a pooled database connection about seven times (JobRunr's PROCESSING
                save, `start`, four `progress` updates — planning 10, calling-model 30, validating 60, saving 95 —
                the store transaction, JobRunr's SUCCEEDED save), and JobRunr re-saves every PROCESSING job on its
                5 s heartbeat. At %.0f jobs/s that is well over a thousand borrows a second on 10 connections:
                the pool is always busy (%s jobs waiting for a connection at most, at 500 in flight) while the
                machine's two cores are saturated (%.2f busy, of which PostgreSQL %.2f and processes outside the
                benchmark %.2f). Each job therefore spends a few hundred ms queueing for connections on top of its
                2 s with the model (job p50 %s), and Little's law turns that directly into lost throughput.

                What I would change in the worker (not done here, outside bench/): write fewer intermediate
                progress rows — fold "planning 10" into `start` and "validating 60"/"saving 95" into the store
                transaction — which halves the connection borrows per job, so 10 connections go much further; and
                lengthen JobRunr's heartbeat re-save for long model waits if JobRunr allows it. A larger pool
                would hide the symptom but breaks the ≤ 10 connections target. On this shared two-core machine
                PostgreSQL, api, worker, fake model and load generator also compete for CPU, which no worker
                change removes. Also seen while building this benchmark: a model connection closed by the server
                (`HttpClosedException`) is treated as a non-retryable `MODEL_ERROR`; a handful of those within ten
                calls opened the breaker and sent thousands of jobs to the catalog for 30 s. Classifying
                connection-closed/reset as `Unavailable` (retried) and sizing the breaker's window to the call rate
                would avoid that.
                """, capped ? "What is left after that is the database." : "Why the target is missed: the database "
                        + "connections and the CPU.", at500.jobsPerSecond(), Report.num(at500.awaitingMax()),
                at500.cpu().get(CpuMeter.MACHINE), at500.cpu().get("postgres"), at500.cpu().get(CpuMeter.OTHER),
                Report.ms(at500.jobP50())));
        return a.toString();
    }
}
