package app.mealplanner.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.local.EmbeddedDatabase;
import app.mealplanner.common.testing.SseClient;

/**
 * SIGTERM to an api process with open event streams (a rolling update): every stream is ended by the
 * server with a reconnect hint, so browsers come back, to another pod, after the hinted delay instead of
 * seeing a broken connection, and the process still stops promptly.
 */
class ApiShutdownTest {

    private static SystemUnderTest system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = SystemUnderTest.get();
    }

    @Test
    void shouldEndOpenStreamsWithAReconnectHintOnSigterm() throws Exception {
        AppProcess leaving = AppProcess.start("api", "e2e-api-leaving", AppProcess.freePort(), system.apiEnv())
                .awaitReady(Duration.ofSeconds(90));
        String token = system.newUserToken();
        UUID running = runningJobOf(token);

        SseClient stream = SseClient.open(leaving.baseUrl(), "/api/jobs/" + running + "/events",
                Map.of("Authorization", "Bearer " + token));
        await().atMost(Duration.ofSeconds(10)).until(() -> !stream.events().isEmpty());
        assertThat(stream.events().get(0).data()).contains("\"status\":\"RUNNING\"");

        Instant sigterm = Instant.now();
        leaving.close();
        Duration stopped = Duration.between(sigterm, Instant.now());

        assertThat(stream.done().get(5, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(stream.retryMillis()).isEqualTo(2000);
        assertThat(stream.comments()).contains("server restarting, reconnect");
        // before the streams were ended first, the open one held the shutdown up for its whole 10 s timeout
        assertThat(stopped).as("an open stream must not hold the shutdown up").isLessThan(Duration.ofSeconds(5));
        System.out.printf("api with an open event stream stopped %d ms after SIGTERM%n", stopped.toMillis());
    }

    /**
     * A job of this user that stays RUNNING for the whole test: a copy of a real submission's row that
     * JobRunr does not know about, so no worker finishes it.
     */
    private static UUID runningJobOf(String token) throws Exception {
        JobStatus submitted = EndToEndTest.submit(system.api, token, "{\"days\": 1, \"meals\": [\"dinner\"], \"diet\": \"omnivore\"}");
        UUID id = UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(system.database.jdbcUrl(), EmbeddedDatabase.USER,
                EmbeddedDatabase.PASSWORD); PreparedStatement ps = c.prepareStatement("insert into menu_job "
                        + "(id, user_id, request_hash, request, status, stage, progress, attempt, started_at) "
                        + "select ?, user_id, request_hash, request, ?, 'calling-model', 30, 1, now() "
                        + "from menu_job where id = ?")) {
            ps.setObject(1, id);
            ps.setString(2, JobState.RUNNING.name());
            ps.setObject(3, submitted.jobId());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        return id;
    }
}
