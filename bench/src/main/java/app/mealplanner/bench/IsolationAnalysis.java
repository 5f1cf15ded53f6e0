package app.mealplanner.bench;

import java.util.Map;

/** What the isolation figures say (filled in from the measured values). */
final class IsolationAnalysis {

    private IsolationAnalysis() {
    }

    static String text(Load.Result pinnedIdle, Load.Result pinnedBusy, Load.Result idle, Load.Result busy, Map<String, Double> idleCpu, Map<String, Double> busyCpu,
            int[] busyQueue, double apiPoolWait, double submissionsPerSecond) {
        StringBuilder a = new StringBuilder();
        a.append(String.format("- none in flight: p99 %s, machine %.2f of %d cores busy (%s).%n",
                Report.ms(idle.p(99)), idleCpu.get(CpuMeter.MACHINE), Machine.cores(), CpuMeter.inline(idleCpu)));
        a.append(String.format("- 1000 in flight: p99 %s, machine %.2f of %d cores busy (%s); at the busiest moment "
                + "of each second %.1f threads were runnable on average, for %d cores.%n",
                Report.ms(busy.p(99)), busyCpu.get(CpuMeter.MACHINE), Machine.cores(), CpuMeter.inline(busyCpu),
                RunQueue.mean(busyQueue), Machine.cores()));
        if (busy.p(99) / idle.p(99) <= 1.5) {
            return a.toString();
        }
        a.append(String.format("""

                **Why the target is missed.** The reads do not wait for anything the jobs hold: the api pool had at
                most %s requests waiting for a connection, and reads share no lock with job processing. They wait
                for a CPU. Every process of the system shares two cores here: with 1000 generations in flight the
                worker (1000 virtual threads, the model calls, five database writes per job, JobRunr's
                steward and its 5 s heartbeat that re-saves every PROCESSING job), PostgreSQL (those writes and
                their NOTIFY triggers), the api itself (%.0f new submissions per second to keep 1000 in flight, each
                costing about a millisecond of CPU — see the enqueue report) and the fake model all run beside the
                reads; compare the per-second worst latencies with the runnable-thread counts above. This measures a
                shared 2-core box rather than isolation between services: in production the worker pods and the api
                pods do not share cores.

                The pinned rows test that explanation: with the api's threads on one core and the worker's on
                the other (as separate pods with CPU requests would be), the ratio is %.2f× (p99 %s with 1000 in
                flight against %s with none, both pinned). What the reads still share then is PostgreSQL, the
                fake model and the load generator, which float over both cores, and the api's own work for the
                generations (the submissions, and the job notifications it now also reads to answer polls from
                memory). Changes since the first report that lower the generations' cost: the worker borrows a
                pooled connection three times per model job instead of six and the api's submissions are cheaper
                (enqueue report); none of them removes the CPU sharing of a single 2-core machine.
                """, Report.num(apiPoolWait), submissionsPerSecond, pinnedBusy.p(99) / pinnedIdle.p(99),
                Report.ms(pinnedBusy.p(99)), Report.ms(pinnedIdle.p(99))));
        return a.toString();
    }
}
