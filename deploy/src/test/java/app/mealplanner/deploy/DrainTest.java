package app.mealplanner.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.local.EmbeddedDatabase;
import app.mealplanner.worker.testing.FakeModelServer;

/**
 * SIGTERM to a worker with jobs in flight (as Kubernetes does when it scales a pod down): it stops taking
 * jobs, lets running ones finish for its drain time, and the jobs it had to interrupt go back to the queue
 * and complete on another worker. Nothing is lost and no job stores two menus.
 */
class DrainTest {

    private static final int JOBS = 16;

    private static SystemUnderTest system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = SystemUnderTest.get();
    }

    @Test
    void shouldRequeueInterruptedJobsToAnotherWorkerOnSigterm() throws Exception {
        // a second worker whose model is slower than its drain time: its jobs cannot all finish in time
        // (a slow model, 15 tokens/s: a recipe takes about 15 s)
        try (FakeModelServer slowModel = FakeModelServer.builder().tokensPerSecond(15).start()) {
            Map<String, String> env = system.workerEnv(slowModel);
            env.put("MENU_WORKER_DRAIN_TIME", "2s");
            AppProcess leaving = AppProcess.start("worker", "e2e-worker-drained", AppProcess.freePort(), env)
                    .awaitReady(Duration.ofSeconds(90));

            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                tokens.add(system.newUserToken());
            }
            // The shared worker is warm and has 64 free threads: it would win every race for these jobs and
            // leave the worker under test nothing to drain. It is paused (SIGSTOP, a few seconds, far below
            // JobRunr's server timeout) until the leaving worker has started all of them.
            List<JobStatus> jobs = new ArrayList<>();
            system.worker.pause();
            try {
                for (String token : tokens) {
                    jobs.add(EndToEndTest.submit(system.api, token,
                            "{\"days\": 1, \"meals\": [\"lunch\"], \"diet\": \"pescatarian\"}"));
                }
                try (Connection c = DriverManager.getConnection(system.database.jdbcUrl(), EmbeddedDatabase.USER,
                        EmbeddedDatabase.PASSWORD)) {
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                            .until(() -> count(c, jobs, "status = 'RUNNING'") == JOBS);
                }
            } finally {
                system.worker.resume();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> slowModel.calls() > 0);

            Instant sigterm = Instant.now();
            leaving.close();
            Duration stopped = Duration.between(sigterm, Instant.now());
            System.out.printf("worker stopped %d ms after SIGTERM, %d model calls were in flight or done%n",
                    stopped.toMillis(), slowModel.calls());
            assertThat(stopped).isLessThan(Duration.ofSeconds(30));

            try (Connection c = DriverManager.getConnection(system.database.jdbcUrl(), EmbeddedDatabase.USER,
                    EmbeddedDatabase.PASSWORD)) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(c, jobs, "status in ('SUCCEEDED', 'FAILED', 'CANCELLED')") == JOBS);
                for (JobStatus job : jobs) {
                    try (PreparedStatement ps = c.prepareStatement("select j.status, j.attempt, "
                            + "(select count(*) from menu m where m.job_id = j.id) from menu_job j where j.id = ?")) {
                        ps.setObject(1, job.jobId());
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            assertThat(rs.getString(1)).as("job %s", job.jobId()).isEqualTo(JobState.SUCCEEDED.name());
                            assertThat(rs.getInt(3)).as("menus of job %s", job.jobId()).isEqualTo(1);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("select count(*) from menu_job where id = any(?) and attempt > 1")) {
                    ps.setArray(1, c.createArrayOf("uuid", jobs.stream().map(JobStatus::jobId).toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        // the slow worker had jobs in flight when it was told to stop: they ran again elsewhere
                        assertThat(rs.getInt(1)).isPositive();
                    }
                }
            }
        }
    }

    private static int count(Connection c, List<JobStatus> jobs, String condition) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from menu_job where id = any(?) and " + condition)) {
            ps.setArray(1, c.createArrayOf("uuid", jobs.stream().map(JobStatus::jobId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
