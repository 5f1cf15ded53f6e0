package app.mealplanner.bench;

import java.util.List;

/** What the model-bound figures say (filled in from the measured values). */
final class ModelBoundAnalysis {

    private ModelBoundAnalysis() {
    }

    static String text(List<ModelBoundScenario.Level> levels, ModelBoundScenario.Level at500) {
        StringBuilder a = new StringBuilder();
        for (ModelBoundScenario.Level l : levels) {
            a.append(String.format("- %d in flight: %s of ideal (%s jobs/s of %s), a job's model time %s (outline %s, "
                    + "day %s as the fake served them), %.1f model calls answered per second, at most %d TCP "
                    + "connections from the worker to the model, mean RUNNING %.0f, QUEUED %.0f; worker heap %s; "
                    + "machine %.2f of %d cores busy (other processes %.2f).%n", l.inFlight(),
                    Report.pct(l.jobsPerSecond() / l.ideal()), Report.num(l.jobsPerSecond()), Report.num(l.ideal()),
                    Report.ms(l.outlineMs() + l.dayMs()), Report.ms(l.outlineMs()), Report.ms(l.dayMs()),
                    l.callsPerSecond(), l.modelConnections(), l.meanRunning(), l.meanQueued(), Report.mib(l.heapMax()),
                    l.cpu().get(CpuMeter.MACHINE), Machine.cores(), l.cpu().get(CpuMeter.OTHER)));
        }
        double cycle = at500.queueWaitMs() + at500.runMs();
        double model = at500.outlineMs() + at500.dayMs();
        a.append(String.format("""

                **Where the time goes at 500 in flight.** By Little's law the throughput is the number of jobs in
                flight divided by the time one job takes from its submission to the submission of the job that
                replaces it. That cycle is %s here, against %s of model time: %s waiting in the queue
                (created → started), %s in the running job of which %s are the two model calls and %s the
                job's own work between them (the `start` update, the stages, storing the day, validation, the
                menu's transaction, and waits for one of the 10 pooled connections: up to %s jobs waited for
                one), and on average %.0f of the 500 jobs between finishing and being replaced by the bench's
                top-up loop (it tops up every 25 ms through the api). The machine's two cores were %.2f busy:
                PostgreSQL %.2f, api %.2f, worker %.2f, bench and fake model %.2f, other processes %.2f.
                """, Report.ms(cycle), Report.ms(model), Report.ms(at500.queueWaitMs()), Report.ms(at500.runMs()),
                Report.ms(model), Report.ms(at500.runMs() - model), Report.num(at500.awaitingMax()), at500.topUpGap(),
                at500.cpu().get(CpuMeter.MACHINE), at500.cpu().get("postgres"), at500.cpu().get("api"),
                at500.cpu().get("worker"), at500.cpu().get("bench (load generator)"), at500.cpu().get(CpuMeter.OTHER)));
        return a.toString();
    }
}
