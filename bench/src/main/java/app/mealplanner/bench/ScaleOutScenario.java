package app.mealplanner.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 4: a backlog of 2000 catalog jobs drained by 1, 2 and 4 worker processes. The backlog is enqueued
 * through the api while no worker runs; the bench then locks those JobRunr rows (JobRunr fetches with FOR
 * UPDATE SKIP LOCKED, so starting workers see nothing), starts the workers, waits until all are ready,
 * and releases the rows together with a NOTIFY jobrunr_wakeup: every worker starts at the same moment.
 * Throughput = backlog ÷ (last finished_at − release), PostgreSQL clock.
 */
final class ScaleOutScenario extends Scenario {

    static final int[] WORKERS = {1, 2, 4};

    record Drain(int workers, int jobs, double seconds, double jobsPerSecond, Map<String, Long> perWorker,
            Map<String, Double> cpu, long notSucceeded) {
    }

    @Override
    Report run(Path repo) throws Exception {
        int backlog = (int) Math.max(300, 2000 * Math.min(1, SCALE));
        log("scale-out: starting PostgreSQL and the api");
        stack = Stack.start(repo);
        App api = stack.startApi("scale-api", Map.of());
        Stack.awaitReady(api);
        int warmups = 0;
        for (int k : WORKERS) {
            warmups += WARMUP_PER_WORKER * k;
        }
        Population users = stack.population("scale", backlog * WORKERS.length + warmups);
        this.api = api;
        this.users = users;
        List<Drain> drains = new ArrayList<>();
        for (int k : WORKERS) {
            log("scale-out: enqueueing a backlog of %d jobs (no worker running)", backlog);
            enqueue(backlog);
            drains.add(drain(k, backlog));
        }
        return report(drains, backlog);
    }

    static final int WARMUP_PER_WORKER = 300;
    private App api;
    private Population users;

    /** Submits {@code n} jobs through the api on 16 connections and returns when all were accepted. */
    private void enqueue(int n) throws Exception {
        int[] left = {n};
        Load.Result enq = Load.closed(HOST, api.port, 16, Duration.ofSeconds(120), conn -> {
            synchronized (left) {
                if (left[0] == 0) {
                    return null;
                }
                left[0]--;
            }
            return HttpConnection.postJson(HOST + ":" + api.port, "/api/menus", users.tokens.get(users.take()),
                    SMALL_MENU);
        }, s -> s == 202, null);
        if (enq.ok() != n) {
            throw new IllegalStateException("enqueued " + enq.ok() + " of " + n + ": " + enq.statuses());
        }
    }

    private Drain drain(int k, int backlog) throws Exception {
        try (Connection lock = stack.jdbc(); Connection c = stack.jdbc()) {
            lock.setAutoCommit(false);
            long locked = count(lock, "select count(*) from (select id from jobrunr_jobs where state = 'ENQUEUED' "
                    + "for update) l");
            log("scale-out: %d JobRunr jobs locked; starting %d worker(s)", locked, k);
            List<App> workers = new ArrayList<>();
            for (int i = 1; i <= k; i++) {
                workers.add(stack.startWorker("scale-worker-" + k + "-" + i, Map.of()));
            }
            Stack.awaitReady(workers.toArray(App[]::new));
            // JIT warm-up: jobs enqueued now are not locked, so the workers run them (and skip the backlog)
            log("scale-out: warm-up, %d jobs", WARMUP_PER_WORKER * k);
            enqueue(WARMUP_PER_WORKER * k);
            long deadline0 = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (count(c, "select count(*) from menu_job where status in ('QUEUED', 'RUNNING')") > backlog
                    && System.nanoTime() < deadline0) {
                Thread.sleep(100); // poll until the warm-up jobs are done (deadline above)
            }
            Thread.sleep(1000); // let the workers go idle before the measured backlog
            long early = count(c, "select count(*) from menu_job where status in ('QUEUED', 'RUNNING')");
            if (early != backlog) {
                log("scale-out: warning: %d jobs of the backlog started before the release", backlog - early);
            }
            CpuMeter meter = new CpuMeter().withAll("workers", () -> workers).start();
            Timestamp released;
            execute(lock, "select pg_notify('jobrunr_wakeup', '')");
            try (PreparedStatement ps = lock.prepareStatement("select clock_timestamp()"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                released = rs.getTimestamp(1);
            }
            lock.commit();
            log("scale-out: released; waiting for the backlog to drain");
            long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            while (count(c, "select count(*) from menu_job where status in ('QUEUED', 'RUNNING')") > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("backlog not drained in 240 s");
                }
                Thread.sleep(100); // poll until the backlog is drained (deadline above)
            }
            Map<String, Double> cpu = meter.stop();
            double seconds;
            try (PreparedStatement ps = c.prepareStatement("select extract(epoch from max(finished_at) - ?) from menu_job "
                    + "where finished_at >= ?")) {
                ps.setTimestamp(1, released);
                ps.setTimestamp(2, released);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seconds = rs.getDouble(1);
                }
            }
            long notSucceeded = count(c, "select count(*) from menu_job where finished_at >= ? and status <> 'SUCCEEDED'",
                    released);
            Map<String, Long> perWorker = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select coalesce(h ->> 'serverName', h ->> 'serverId', '?'), "
                    + "count(*) from jobrunr_jobs j, jsonb_array_elements(j.jobasjson::jsonb -> 'jobHistory') h "
                    + "where h ->> '@class' like '%ProcessingState' and j.updatedat >= ? group by 1 order by 1")) {
                ps.setTimestamp(1, released);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        perWorker.put(rs.getString(1), rs.getLong(2));
                    }
                }
            } catch (Exception e) {
                perWorker.put("(unknown: " + e.getMessage() + ")", 0L);
            }
            log("scale-out: %d worker(s): %d jobs in %.2f s = %.0f jobs/s %s", k, backlog, seconds, backlog / seconds, perWorker);
            for (App w : workers) {
                stack.stop(w);
            }
            return new Drain(k, backlog, seconds, backlog / seconds, perWorker, cpu, notSucceeded);
        }
    }

    private Report report(List<Drain> drains, int backlog) {
        Report r = new Report("Scale-out: draining a backlog with 1, 2 and 4 workers",
                "How fast a backlog of " + backlog + " catalog-planner jobs (no model) drains with 1, 2 and 4 worker "
                        + "processes on one database. Issue 8 asks for the figures; there is no pass/fail target. "
                        + "The baseline is the single worker of the same run.");
        Drain one = drains.get(0);
        StringBuilder f = new StringBuilder();
        f.append("| workers | jobs | drain time | jobs/s | × one worker | scaling efficiency | jobs per worker | cores busy "
                + "(workers / postgres / machine / other) |\n|---|---|---|---|---|---|---|---|\n");
        for (Drain d : drains) {
            double speedup = d.jobsPerSecond() / one.jobsPerSecond();
            f.append("| ").append(d.workers()).append(" | ").append(d.jobs()).append(" | ")
                    .append(String.format("%.2f s", d.seconds())).append(" | ").append(Report.num(d.jobsPerSecond()))
                    .append(" | ").append(String.format("%.2f×", speedup)).append(" | ")
                    .append(Report.pct(speedup / d.workers())).append(" | ").append(d.perWorker().values()).append(" | ")
                    .append(String.format("%.2f / %.2f / %.2f / %.2f", d.cpu().get("workers"), d.cpu().get("postgres"),
                            d.cpu().get(CpuMeter.MACHINE), d.cpu().get(CpuMeter.OTHER)))
                    .append(" |\n");
        }
        long bad = drains.stream().mapToLong(Drain::notSucceeded).sum();
        f.append("\nJobs that did not succeed: ").append(bad).append(". \"jobs per worker\" counts JobRunr processing "
                + "states by server name (a job processed twice counts twice).\n");
        r.figures(f.toString());
        r.reference("One worker in the same run (the first row). Ideal scale-out would be k × its rate; on a "
                + Machine.cores() + "-core machine that shares its cores between PostgreSQL and every worker, "
                + "more processes cannot add CPU, so the table shows what the queue costs rather than what more "
                + "machines would give.");
        r.analysis(ScaleOutAnalysis.text(drains));
        r.method("Per worker count: " + backlog + " jobs are enqueued through `POST /api/menus` (16 connections, "
                + "one user each, `" + SMALL_MENU + "`) with no worker running. The bench then opens a transaction "
                + "that locks every ENQUEUED row of `jobrunr_jobs` (`select … for update`); JobRunr fetches work "
                + "with `for update skip locked`, so workers that start meanwhile find nothing. Once all k "
                + "workers report ready, " + WARMUP_PER_WORKER + " warm-up jobs per worker are enqueued (not locked, so "
                + "the workers run them while skipping the backlog: JIT and pools warm), and once they are done "
                + "(and one more second), the bench sends `NOTIFY jobrunr_wakeup` in that "
                + "transaction, reads `clock_timestamp()` and commits: all workers are woken at the same moment "
                + "and JVM start-up is not part of the figure. Drain time = last `finished_at` − that moment. "
                + "Workers: default settings (64 virtual-thread workers each, pool max 10, wake-up on).");
        r.setup("Worker env: " + envTable(stack.workerEnv("scale-worker-k-i")) + "; `java " + String.join(" ", Stack.JVM) + "`.");
        r.database(stack);
        return r;
    }
}
