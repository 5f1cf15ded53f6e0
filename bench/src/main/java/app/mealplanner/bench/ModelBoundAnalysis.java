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
        double cycle = at500.queueWaitMs() + at500.runMs();
        a.append(String.format("""

                **%s** By Little's law the throughput is the number of jobs in flight divided by the time one
                job takes from submission to the next submission in its place, and at 500 in flight that cycle
                is %s instead of 2 s (table "Where a job's time went"):

                - %s waiting in the queue (created → started), %s in the running job (started → finished),
                  and on average %.0f of the 500 jobs between finishing and being replaced by the bench's
                  top-up loop (it tops up every 25 ms through the api);
                - of the running time, the model call as the worker timed it took %s — the fake model
                  sleeps exactly 2 s, so the rest is the HTTP exchange, the fake's own planning and the
                  client's JSON on a machine whose two cores are shared by every process here (%.2f busy:
                  PostgreSQL %.2f, api %.2f, worker %.2f, bench and fake model %.2f, other processes %.2f);
                - %s of each running job is the rest of the worker's work: the `start` update, the stage
                  before the model call, validation, the menu's transaction, and waiting for one of the 10
                  pooled connections (up to %s jobs waited for one at a time, at the moments JobRunr saves
                  its batches; the pool's average use is far lower).

                What was changed after the first report: a model job now borrows a pooled connection three
                times instead of six (the short stages are written on the connection that then stores the
                menu, `start` enters "planning" itself), a connection closed or reset by the model is retried
                instead of counting as a breaker failure (WireMock fault test), and the REST client's pool
                follows `menu.model.max-concurrent`. What is left is not in the worker's code: JobRunr saves
                every job twice (PROCESSING, SUCCEEDED) and re-saves all running jobs in one batch per 5 s
                poll, which is where the pool's waiters pile up, and on two shared cores every millisecond of
                CPU anywhere (the api taking the submissions, PostgreSQL, the fake model) stretches the
                cycle. A larger pool helps only a little — on 2026-11-23, with these changes, one run with
                `QUARKUS_DATASOURCE_JDBC_MAX_SIZE=30` (`BENCH_MODEL_WORKER_ENV`) gave 207 jobs/s at 500 in
                flight against 158 and 197 jobs/s in two runs with 10 — and it would break the ≤ 10
                connections target.
                """, "Why the target is missed: the cycle of a job is longer than the model's 2 s.",
                Report.ms(cycle), Report.ms(at500.queueWaitMs()), Report.ms(at500.runMs()), at500.topUpGap(),
                Report.ms(at500.modelCallMs()), at500.cpu().get(CpuMeter.MACHINE), at500.cpu().get("postgres"),
                at500.cpu().get("api"), at500.cpu().get("worker"), at500.cpu().get("bench (load generator)"),
                at500.cpu().get(CpuMeter.OTHER), Report.ms(at500.runMs() - at500.modelCallMs()),
                Report.num(at500.awaitingMax())));
        return a.toString();
    }
}
