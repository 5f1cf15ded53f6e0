package app.mealplanner.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps {@code target} menu jobs in flight (QUEUED or RUNNING) through the real api: every 25 ms it counts
 * the active jobs in the database and submits as many new ones as are missing, on up to 32 keep-alive
 * connections. A closed system: a job that finishes is replaced by a new one.
 */
final class InFlight implements AutoCloseable {

    private final App api;
    private final Stack stack;
    private final Population users;
    private final String body;
    private volatile int target;
    private volatile boolean running = true;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastActive;
    private final Thread loop;
    private final Semaphore connections = new Semaphore(32);
    private final java.util.concurrent.LinkedBlockingQueue<HttpConnection> idle = new java.util.concurrent.LinkedBlockingQueue<>();

    InFlight(App api, Stack stack, Population users, String body, int target) {
        this.api = api;
        this.stack = stack;
        this.users = users;
        this.body = body;
        this.target = target;
        this.loop = Thread.ofPlatform().daemon().name("in-flight").start(this::run);
    }

    void target(int n) {
        rampSeconds = 0;
        target = n;
    }

    /** Moves the target linearly from the current one to {@code n} over {@code over}. */
    void rampTo(int n, java.time.Duration over) {
        rampFrom = target;
        rampStart = System.nanoTime();
        rampSeconds = over.toMillis() / 1000.0;
        rampTarget = n;
    }

    private volatile int rampFrom;
    private volatile int rampTarget;
    private volatile long rampStart;
    private volatile double rampSeconds;

    private int currentTarget() {
        if (rampSeconds <= 0) {
            return target;
        }
        double progress = Math.min(1, (System.nanoTime() - rampStart) / 1e9 / rampSeconds);
        int t = (int) Math.round(rampFrom + (rampTarget - rampFrom) * progress);
        if (progress >= 1) {
            target = rampTarget;
            rampSeconds = 0;
        }
        return t;
    }

    long submitted() {
        return submitted.get();
    }

    long refused() {
        return refused.get();
    }

    long active() {
        return lastActive;
    }

    private void run() {
        try (Connection c = stack.jdbc()) {
            while (running) {
                long active = count(c);
                lastActive = active;
                long missing = currentTarget() - active - pending.get();
                for (long i = 0; i < missing && running; i++) {
                    pending.incrementAndGet();
                    connections.acquireUninterruptibly();
                    Thread.ofVirtual().start(this::submitOne);
                }
                Thread.sleep(25); // pacing: top up the in-flight set every 25 ms
            }
        } catch (SQLException | InterruptedException e) {
            if (running) {
                Scenario.log("in-flight keeper stopped: %s", e);
            }
        }
    }

    private static long count(Connection c) throws SQLException {
        return Scenario.count(c, "select count(*) from menu_job where status in ('QUEUED', 'RUNNING')");
    }

    private void submitOne() {
        HttpConnection http = idle.poll();
        try {
            if (http == null) {
                http = new HttpConnection(Scenario.HOST, api.port);
                http.connect();
            }
            int u = users.cycle();
            HttpConnection.Response r = http.exchange(HttpConnection.postJson(Scenario.HOST + ":" + api.port,
                    "/api/menus", users.tokens.get(u), body));
            if (r.status() == 202) {
                submitted.incrementAndGet();
            } else {
                refused.incrementAndGet();
            }
            idle.add(http);
        } catch (Exception e) {
            refused.incrementAndGet();
            if (http != null) {
                http.close();
            }
        } finally {
            pending.decrementAndGet();
            connections.release();
        }
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        HttpConnection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }
}
