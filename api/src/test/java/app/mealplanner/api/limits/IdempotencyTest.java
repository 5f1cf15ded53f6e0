package app.mealplanner.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.RelaxedLimits;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.local.EmbeddedDatabase;
import app.mealplanner.common.testing.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Idempotency-Key on its own: the per-user limits are raised far out of the way (one active job would
 * otherwise refuse every second request and hide whether the key did anything).
 */
@QuarkusTest
@TestProfile(RelaxedLimits.class)
class IdempotencyTest {

    @Inject
    Database database;
    @Inject
    ObjectMapper json;

    @Test
    void shouldCreateOneJobForTwentyConcurrentRequestsWithOneKey() throws Exception {
        String token = Api.newUserToken();
        String key = "order-" + UUID.randomUUID();
        List<Response> responses = new CopyOnWriteArrayList<>();
        // the test holds the user's row (as a slow request of the same user would), so that all twenty
        // are in flight together, whatever the machine's load: the first one waits for the row, and each
        // of the others must be told that a request with its key is in flight
        try (Connection holder = outsideThePool(); Connection observer = outsideThePool()) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement("select 1 from app_user where id = ? for update")) {
                ps.setObject(1, userOf(token));
                ps.executeQuery().close();
            }
            try (ExecutorService clients = Executors.newFixedThreadPool(20)) {
                for (int i = 0; i < 20; i++) {
                    clients.submit(() -> responses.add(post(token, key, Api.VALID_REQUEST)));
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> responses.size() + requestsWaitingForAUserRow(observer) == 20);
                holder.commit();
            }
        }

        // each one either gets the job (created or replayed) or is told its twin is still in flight
        assertThat(responses).allSatisfy(r -> {
            if (r.statusCode() != 202) {
                assertThat(r.statusCode()).isEqualTo(409);
                assertThat(r.<String>path("type")).isEqualTo("/problems/request-in-progress");
            }
        });
        List<String> jobIds = responses.stream().filter(r -> r.statusCode() == 202).map(r -> r.<String>path("jobId"))
                .distinct().toList();
        assertThat(jobIds).hasSize(1);
        assertThat(jobsWithKey(key)).isEqualTo(1);

        // once the first has committed, a retry with the key is answered with the same job
        post(token, key, Api.VALID_REQUEST).then().statusCode(202).body("jobId", equalTo(jobIds.get(0)));
        assertThat(jobsWithKey(key)).isEqualTo(1);
    }

    @Test
    void shouldCreateAJobPerKeyAndNoneForARepeatedKey() {
        String token = Api.newUserToken();
        String first = post(token, "a-" + UUID.randomUUID(), Api.VALID_REQUEST).then().statusCode(202)
                .extract().path("jobId");
        String key = "b-" + UUID.randomUUID();
        String second = post(token, key, Api.VALID_REQUEST).then().statusCode(202).extract().path("jobId");
        String repeated = post(token, key, Api.VALID_REQUEST).then().statusCode(202).extract().path("jobId");

        assertThat(second).isNotEqualTo(first);
        assertThat(repeated).isEqualTo(second);
        assertThat(jobsOf(token)).isEqualTo(2);
    }

    @Test
    void shouldReplayTheOriginal202ForTheSameKeyAndBody() {
        String token = Api.newUserToken();
        String key = "k-" + UUID.randomUUID();
        Response first = post(token, key, Api.VALID_REQUEST);
        first.then().statusCode(202);
        // the job moves on meanwhile; the replay still answers what the first request got
        database.run(c -> c.createStatement().executeUpdate("update menu_job set status = 'RUNNING', progress = 40 "
                + "where id = '" + first.<String>path("jobId") + "'"));

        Response replay = post(token, key, Api.VALID_REQUEST);
        replay.then().statusCode(202);
        assertThat(replay.asString()).isEqualTo(first.asString());
        assertThat(replay.header("Location")).isEqualTo(first.header("Location"));
    }

    @Test
    void shouldRefuseTheSameKeyWithAnotherBody() {
        String token = Api.newUserToken();
        String key = "k-" + UUID.randomUUID();
        post(token, key, Api.VALID_REQUEST).then().statusCode(202);
        post(token, key, Api.VALID_REQUEST.replace("\"days\": 2", "\"days\": 3"))
                .then().statusCode(422).contentType("application/problem+json");
    }

    @Test
    void shouldKeepKeysPerUser() {
        String key = "shared-" + UUID.randomUUID();
        String a = post(Api.newUserToken(), key, Api.VALID_REQUEST).then().statusCode(202).extract().path("jobId");
        String b = post(Api.newUserToken(), key, Api.VALID_REQUEST).then().statusCode(202).extract().path("jobId");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void shouldRejectMalformedKeys() {
        String token = Api.newUserToken();
        post(token, "x".repeat(256), Api.VALID_REQUEST).then().statusCode(400).contentType("application/problem+json");
        post(token, "tab\tinside", Api.VALID_REQUEST).then().statusCode(400);
    }

    private static int requestsWaitingForAUserRow(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from pg_stat_activity "
                + "where wait_event_type = 'Lock' and query like '%from app_user %where %for %update%'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A connection of the test's own, so that requests holding the whole pool cannot starve it. */
    private static Connection outsideThePool() throws Exception {
        return DriverManager.getConnection(PostgresTestResource.database().jdbcUrl(), EmbeddedDatabase.USER,
                EmbeddedDatabase.PASSWORD);
    }

    /** The user id an access token was issued to (its subject). */
    private UUID userOf(String token) throws Exception {
        byte[] payload = Base64.getUrlDecoder().decode(token.split("\\.")[1]);
        return UUID.fromString(json.readTree(payload).get("sub").asText());
    }

    private int jobsWithKey(String key) {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from menu_job where idempotency_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** The jobs of the user holding this token, as the listing shows them. */
    private static int jobsOf(String token) {
        return Api.as(token).get("/api/jobs").then().statusCode(200).extract().path("items.size()");
    }

    private static Response post(String token, String key, String body) {
        return Api.as(token).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post("/api/menus");
    }
}
