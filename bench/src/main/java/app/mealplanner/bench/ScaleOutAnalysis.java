package app.mealplanner.bench;

import java.util.List;

/** What the scale-out figures say (filled in from the measured values). */
final class ScaleOutAnalysis {

    private ScaleOutAnalysis() {
    }

    static String text(List<ScaleOutScenario.Drain> drains) {
        StringBuilder a = new StringBuilder();
        for (ScaleOutScenario.Drain d : drains) {
            a.append(String.format("- %d worker(s): %.0f jobs/s, machine %.2f of %d cores busy (%s).%n", d.workers(),
                    d.jobsPerSecond(), d.cpu().get(CpuMeter.MACHINE), Machine.cores(), CpuMeter.inline(d.cpu())));
        }
        ScaleOutScenario.Drain first = drains.get(0);
        ScaleOutScenario.Drain last = drains.get(drains.size() - 1);
        boolean clean = drains.stream().allMatch(d -> d.notSucceeded() == 0
                && d.perWorker().values().stream().mapToLong(Long::longValue).sum() == d.jobs());
        a.append("\nReading it: a catalog job is pure CPU and database work (a few ms of planning, about seven "
                + "statements), so one warm worker already keeps both cores busy together with PostgreSQL. Adding "
                + "worker processes on the same two cores cannot add capacity, and each extra JVM brings its own "
                + "JobRunr steward, heartbeat and polling: here " + last.workers() + " workers drained at "
                + Report.pct(last.jobsPerSecond() / first.jobsPerSecond()) + " of one worker's rate. ");
        a.append(clean ? "The queue spread the backlog over the workers (\"jobs per worker\") and every job ran "
                + "exactly once and succeeded, with several workers fetching from one table (`for update skip locked`). "
                : "**Not every job ran exactly once or succeeded** (see \"jobs per worker\" and \"did not succeed\"); "
                + "look at bench/target/logs/scale-worker-*.log. ");
        a.append("Whether k workers give k× the throughput can only be measured with k machines (or pods with "
                + "their own CPU); model-bound jobs, which wait rather than compute, are where scaling out pays "
                + "(model-bound report).\n");
        return a.toString();
    }
}
