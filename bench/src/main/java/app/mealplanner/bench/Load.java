package app.mealplanner.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * The HTTP load generator of the benchmarks: N keep-alive connections, one virtual thread each.
 *
 * <ul>
 * <li>{@link #closed}: each connection sends its next request as soon as the previous answer is in (wrk).
 * Gives the saturation throughput. Its latencies are service times and suffer from coordinated omission
 * (a stalled server also stalls the generator), so they are reported only as such.</li>
 * <li>{@link #open}: a constant request rate spread evenly over the N connections, each with its own
 * schedule (wrk2). A request's latency is measured from the moment it <em>should</em> have been sent, so a
 * stall is charged to every request that queued up behind it (no coordinated omission). Requests that
 * were due before the end but could not even be sent are recorded with their wait until the end, as a
 * lower bound, and counted as {@code late}.</li>
 * </ul>
 * Latencies are kept in HdrHistograms in microseconds (1 µs to 5 min, 3 significant digits).
 */
final class Load {

    /** Builds the next request for connection {@code connection}. */
    @FunctionalInterface
    interface Requests {
        byte[] next(int connection);
    }

    /** Sees every response (status codes, ETags); may be null. */
    @FunctionalInterface
    interface Observer {
        void seen(int connection, HttpConnection.Response response);
    }

    record Result(String mode, int connections, double offeredRate, double seconds, long ok, long failed,
            long late, Map<Integer, Long> statuses, Histogram latencyMicros, List<String> errors,
            long[] maxMicrosPerSecond) {

        double rate() {
            return ok / seconds;
        }

        double p(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN
                    : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
        }
    }

    private Load() {
    }

    static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    }

    static Result closed(String host, int port, int connections, Duration duration, Requests requests,
            IntPredicate ok, Observer observer) throws InterruptedException {
        return run("closed", host, port, connections, 0, duration, requests, ok, observer);
    }

    static Result open(String host, int port, int connections, double rate, Duration duration, Requests requests,
            IntPredicate ok, Observer observer) throws InterruptedException {
        return run("open", host, port, connections, rate, duration, requests, ok, observer);
    }

    private static Result run(String mode, String host, int port, int connections, double rate, Duration duration,
            Requests requests, IntPredicate ok, Observer observer) throws InterruptedException {
        PerConnection[] state = new PerConnection[connections];
        Thread[] threads = new Thread[connections];
        // connect first, so that connection set-up is not part of the measurement
        for (int i = 0; i < connections; i++) {
            state[i] = new PerConnection(new HttpConnection(host, port), (int) duration.toSeconds() + 2);
            try {
                state[i].http.connect();
            } catch (IOException e) {
                throw new IllegalStateException("cannot connect to " + host + ":" + port, e);
            }
        }
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long end = start + duration.toNanos();
        AtomicBoolean stop = new AtomicBoolean();
        for (int i = 0; i < connections; i++) {
            int index = i;
            PerConnection s = state[i];
            s.start = start;
            Runnable body = "open".equals(mode)
                    ? () -> openLoop(index, s, connections, rate, start, end, requests, ok, observer)
                    : () -> closedLoop(index, s, start, end, stop, requests, ok, observer);
            threads[i] = Thread.ofVirtual().name("load-" + i).start(body);
        }
        for (Thread t : threads) {
            t.join();
        }
        long finished = System.nanoTime();
        Histogram all = histogram();
        long okCount = 0;
        long failed = 0;
        long late = 0;
        Map<Integer, Long> statuses = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        long[] perSecond = new long[(int) duration.toSeconds() + 2];
        for (PerConnection s : state) {
            for (int k = 0; k < perSecond.length; k++) {
                perSecond[k] = Math.max(perSecond[k], s.maxPerSecond[k]);
            }
            all.add(s.latency);
            okCount += s.ok;
            failed += s.failed;
            late += s.late;
            s.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
            if (s.error != null && errors.size() < 5) {
                errors.add(s.error);
            }
            s.http.close();
        }
        // open model: the schedule is the window; closed loop: until the last answer came back
        double seconds = "open".equals(mode) ? duration.toNanos() / 1e9 : (finished - start) / 1e9;
        return new Result(mode, connections, rate, seconds, okCount, failed, late, statuses, all, errors, perSecond);
    }

    private static final class PerConnection {
        final HttpConnection http;
        final long[] maxPerSecond;
        long start;
        final Histogram latency = histogram();
        final Map<Integer, Long> statuses = new TreeMap<>();
        long ok;
        long failed;
        long late;
        String error;

        PerConnection(HttpConnection http, int seconds) {
            this.http = http;
            this.maxPerSecond = new long[seconds];
        }

        /** Also keeps the worst latency per second of the run, by when the request was due. */
        void record(int status, long micros, boolean good, long due) {
            int second = (int) Math.max(0, Math.min(maxPerSecond.length - 1, (due - start) / 1_000_000_000L));
            maxPerSecond[second] = Math.max(maxPerSecond[second], micros);
            record(status, micros, good);
        }

        void record(int status, long micros, boolean good) {
            latency.recordValue(Math.max(1, Math.min(micros, latency.getHighestTrackableValue())));
            statuses.merge(status, 1L, Long::sum);
            if (good) {
                ok++;
            } else {
                failed++;
            }
        }
    }

    private static void closedLoop(int index, PerConnection s, long start, long end, AtomicBoolean stop,
            Requests requests, IntPredicate ok, Observer observer) {
        sleepUntil(start);
        while (System.nanoTime() < end) {
            byte[] request = requests.next(index);
            if (request == null) {
                return; // the request source ran dry
            }
            long sent = System.nanoTime();
            exchange(index, s, request, sent, ok, observer);
        }
    }

    private static void openLoop(int index, PerConnection s, int connections, double rate, long start, long end,
            Requests requests, IntPredicate ok, Observer observer) {
        double intervalNanos = 1e9 * connections / rate;
        // stagger the connections' schedules evenly over one interval
        double due = start + intervalNanos * index / connections;
        while ((long) due < end) {
            long intended = (long) due;
            sleepUntil(intended);
            byte[] request = requests.next(index);
            if (request == null) {
                return;
            }
            exchange(index, s, request, intended, ok, observer);
            due += intervalNanos;
            if (System.nanoTime() >= end) {
                break;
            }
        }
        // due before the end but never sent: the generator was waiting behind slow answers
        long now = Math.max(end, System.nanoTime());
        while ((long) due < end) {
            s.late++;
            s.record(0, (now - (long) due) / 1000, false, (long) due);
            due += intervalNanos;
        }
    }

    private static void exchange(int index, PerConnection s, byte[] request, long from, IntPredicate ok,
            Observer observer) {
        try {
            HttpConnection.Response response = s.http.exchange(request);
            long micros = (System.nanoTime() - from) / 1000;
            s.record(response.status(), micros, ok.test(response.status()), from);
            if (observer != null) {
                observer.seen(index, response);
            }
        } catch (IOException | RuntimeException e) {
            long micros = (System.nanoTime() - from) / 1000;
            s.record(-1, micros, false, from);
            s.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            s.http.close();
        }
    }

    static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
