package app.mealplanner.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.local.EmbeddedDatabase;
import app.mealplanner.worker.testing.FakeModelServer;

/**
 * Three worker processes and the api on one database; 300 jobs with a model that takes 1 s; every 5 s
 * one random worker is killed with SIGKILL and restarted. Every job ends SUCCEEDED with exactly one
 * menu. How long orphaned jobs took to recover is written to deploy/target/reliability/worker-crashes.md.
 */
@org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1) // it stops the shared worker: after every other test
class WorkerCrashTest {

    private static final int JOBS = 300;
    private static final Duration KILL_EVERY = Duration.ofSeconds(5);
    private static final Duration LOAD_FOR = Duration.ofSeconds(30);

    private static SystemUnderTest system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = SystemUnderTest.get();
    }

    @Test
    void shouldCompleteEveryJobExactlyOnceWhileWorkersAreKilled() throws Exception {
        // 300 jobs under 30 s of SIGKILLs: a fast model (a one-recipe job in about a second) so that many
        // jobs are in flight, and finished, between the kills
        try (FakeModelServer model = FakeModelServer.builder().tokensPerSecond(300).tokensPerChunk(5)
                .firstToken(Duration.ofMillis(100)).start()) {
            Map<String, String> env = system.workerEnv(model);
            List<AppProcess> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(AppProcess.start("worker", "e2e-crash-worker-" + i + "-0", AppProcess.freePort(), env));
            }
            for (AppProcess w : workers) {
                w.awaitReady(Duration.ofSeconds(90));
            }
            // the shared system's worker stops taking part: these three are the only workers
            system.worker.close();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                tokens.add(system.newUserToken());
            }

            List<JobStatus> accepted = new CopyOnWriteArrayList<>();
            List<Instant> kills = new CopyOnWriteArrayList<>();
            ExecutorService load = Executors.newSingleThreadExecutor();
            Instant start = Instant.now();
            Future<?> submitting = load.submit(() -> {
                long spacingMillis = LOAD_FOR.toMillis() / JOBS;
                for (String token : tokens) {
                    accepted.add(EndToEndTest.submit(system.api, token,
                            "{\"days\": 1, \"meals\": [\"dinner\"], \"diet\": \"omnivore\"}"));
                    TimeUnit.MILLISECONDS.sleep(spacingMillis); // an even arrival rate across the kills
                }
                return null;
            });
            Random random = new Random(42);
            int generation = 1;
            while (!submitting.isDone()) {
                TimeUnit.MILLISECONDS.sleep(KILL_EVERY.toMillis()); // the fault schedule itself: a kill every 5 s
                int victim = random.nextInt(workers.size());
                workers.get(victim).kill();
                kills.add(Instant.now());
                workers.set(victim, AppProcess.start("worker", "e2e-crash-worker-" + victim + "-" + generation++,
                        AppProcess.freePort(), env));
            }
            submitting.get();
            load.shutdown();

            try (Connection c = DriverManager.getConnection(system.database.jdbcUrl(), EmbeddedDatabase.USER,
                    EmbeddedDatabase.PASSWORD)) {
                Object[] ids = accepted.stream().map(JobStatus::jobId).toArray();
                await("all jobs final").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> count(c, "status in ('SUCCEEDED', 'FAILED', 'CANCELLED')", ids) == JOBS);
                assertThat(count(c, "status = 'SUCCEEDED'", ids)).isEqualTo(JOBS);
                assertThat(count(c, "(select count(*) from menu m where m.job_id = menu_job.id) = 1", ids)).isEqualTo(JOBS);
                report(c, ids, kills, Duration.between(start, Instant.now()));
            } finally {
                for (AppProcess w : workers) {
                    w.close();
                }
            }
        }
    }

    private static int count(Connection c, String condition, Object[] ids) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from menu_job where id = any(?) and " + condition)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Orphan recovery: for every job that needed more than one attempt, kill → completion. */
    private static void report(Connection c, Object[] ids, List<Instant> kills, Duration total) throws Exception {
        List<Long> recoveries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select started_at, finished_at from menu_job "
                + "where id = any(?) and attempt > 1")) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant started = rs.getTimestamp(1).toInstant();
                    Instant finished = rs.getTimestamp(2).toInstant();
                    kills.stream().filter(k -> k.isAfter(started) && k.isBefore(finished)).reduce((a, b) -> b)
                            .ifPresent(k -> recoveries.add(Duration.between(k, finished).toMillis()));
                }
            }
        }
        Collections.sort(recoveries);
        String text = "# Worker crashes\n\n"
                + "3 workers, " + JOBS + " jobs over " + LOAD_FOR.toSeconds() + " s, fake model at 300 tokens/s, SIGKILL + restart of a "
                + "random worker every " + KILL_EVERY.toSeconds() + " s (" + kills.size() + " kills).\n\n"
                + "- all " + JOBS + " jobs SUCCEEDED, each with exactly one menu; run took " + total.toSeconds() + " s\n"
                + "- jobs orphaned by a kill and run again: " + recoveries.size() + "\n"
                + (recoveries.isEmpty() ? "" : "- kill → completion of orphaned jobs: median "
                        + recoveries.get(recoveries.size() / 2) / 1000.0 + " s, max "
                        + recoveries.get(recoveries.size() - 1) / 1000.0 + " s (JobRunr declares a job orphaned "
                        + "when its server missed heartbeats for 4 polls of 5 s, then retries it)\n");
        Path out = AppProcess.repoRoot().resolve("deploy/target/reliability/worker-crashes.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
        System.out.println(text);
        assertThat(recoveries).as("some jobs were in flight on a killed worker").isNotEmpty();
    }
}
