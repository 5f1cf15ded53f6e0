package app.mealplanner.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.local.EmbeddedDatabase;
import app.mealplanner.common.local.LocalSecrets;
import app.mealplanner.worker.testing.FakeModelServer;

/**
 * {@code DELETE /api/jobs/{id}} through the real api while the real worker runs the job (MenuJobRunner,
 * in JobRunr) and waits for a model whose first token would come only after a minute: the worker's thread is interrupted
 * within about a second, also when JobRunr's own delete of the job fails, and the job stores nothing.
 * Runs on its own database, model, worker and api, so that no other worker with a faster model takes the job.
 */
class CancellationTest {

    private static final Duration MODEL_LATENCY = Duration.ofMinutes(1);

    private static EmbeddedDatabase database;
    private static FakeModelServer model;
    private static AppProcess worker;
    private static AppProcess api;

    @BeforeAll
    static void startSystem() throws Exception {
        database = EmbeddedDatabase.startTemporary();
        model = FakeModelServer.builder().firstToken(MODEL_LATENCY).start();
        Path keys = Files.createTempDirectory("cancel-jwt");
        LocalSecrets.ensureRsaKeyPair(keys);
        Map<String, String> apiEnv = SystemUnderTest.databaseEnv(database);
        apiEnv.put("JWT_PUBLIC_KEY_LOCATION", keys.resolve("public.pem").toString());
        apiEnv.put("JWT_PRIVATE_KEY_LOCATION", keys.resolve("private.pem").toString());
        worker = AppProcess.start("worker", "cancel-worker", AppProcess.freePort(),
                SystemUnderTest.workerEnv(database, model));
        api = AppProcess.start("api", "cancel-api", AppProcess.freePort(), apiEnv);
        worker.awaitReady(Duration.ofSeconds(90));
        api.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopSystem() throws Exception {
        for (AppProcess p : new AppProcess[] {api, worker}) {
            if (p != null) {
                p.close();
            }
        }
        if (model != null) {
            model.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void shouldInterruptARunningJobWithinASecondEvenWhenJobRunrCannotDeleteIt() throws Exception {
        String token = SystemUnderTest.newUserToken(api);
        try (Connection c = connect()) {
            // JobRunr's delete fails as it does when the worker's heartbeat saves the job at the same moment:
            // its update to DELETED changes no row, so it ends in ConcurrentJobModificationException
            try (Statement st = c.createStatement()) {
                st.execute("create function refuse_deletion() returns trigger language plpgsql as "
                        + "$$ begin return null; end $$");
                st.execute("create trigger refuse_deletion before update on jobrunr_jobs for each row "
                        + "when (new.state = 'DELETED') execute function refuse_deletion()");
            }
            JobStatus accepted = EndToEndTest.submit(api, token, "{\"days\": 1, \"meals\": [\"dinner\"], \"diet\": \"vegan\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> model.calls() > 0);
            // the worker sends the outline request first and writes the stage while it is in flight
            // (MenuWriting.write): the model can see the call a moment before the row says so
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> status(token, accepted.jobId()).stage() == Stage.CALLING_MODEL);
            JobStatus running = status(token, accepted.jobId());
            assertThat(running.status()).isEqualTo(JobState.RUNNING);
            assertThat(running.stage()).isEqualTo(Stage.CALLING_MODEL);
            double cancelledBefore = cancelledOutcomes();

            given().baseUri(api.baseUrl()).auth().oauth2(token).delete("/api/jobs/" + accepted.jobId())
                    .then().statusCode(202).body("status", org.hamcrest.Matchers.equalTo("CANCELLED"));
            Instant deleted = Instant.now();
            await("the worker's attempt ends").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cancelledOutcomes() > cancelledBefore);
            Duration stopped = Duration.between(deleted, Instant.now());
            System.out.printf("running job stopped %d ms after the DELETE was answered%n", stopped.toMillis());
            assertThat(stopped).isLessThan(Duration.ofSeconds(1));

            // it was our interrupt, not JobRunr's: JobRunr's delete did fail
            assertThat(Files.readString(api.log())).contains("job " + accepted.jobId()
                    + " cancelled; deleting its JobRunr job failed (ConcurrentJobModificationException)");
            assertThat(menusOf(c, accepted.jobId())).isZero();
            assertThat(status(token, accepted.jobId()).status()).isEqualTo(JobState.CANCELLED);
            // the user's one active slot is free again
            JobStatus next = EndToEndTest.submit(api, token, "{\"days\": 1, \"meals\": [\"lunch\"], \"diet\": \"vegan\"}");
            given().baseUri(api.baseUrl()).auth().oauth2(token).delete("/api/jobs/" + next.jobId()).then().statusCode(202);
        } finally {
            try (Connection c = connect(); Statement st = c.createStatement()) {
                st.execute("drop trigger if exists refuse_deletion on jobrunr_jobs");
            }
        }
    }

    private static JobStatus status(String token, UUID id) throws Exception {
        return EndToEndTest.JSON.readValue(given().baseUri(api.baseUrl()).auth().oauth2(token)
                .get("/api/jobs/" + id).then().statusCode(200).extract().asString(), JobStatus.class);
    }

    /** Attempts the worker ended as cancelled, from its Prometheus metrics. */
    private static double cancelledOutcomes() {
        String metrics = given().baseUri(worker.baseUrl()).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("menu_jobs_outcome_total{") && l.contains("outcome=\"cancelled\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf("} ") + 2).split(" ")[0])).sum();
    }

    private static int menusOf(Connection c, UUID jobId) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from menu where job_id = ?")) {
            ps.setObject(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }
}
