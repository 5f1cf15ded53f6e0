package app.mealplanner.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.Concurrently;
import app.mealplanner.common.db.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class IdempotencyTest {

    @Inject
    Database database;

    @Test
    void shouldCreateOneJobForTwentyConcurrentRequestsWithOneKey() throws Exception {
        String token = Api.newUserToken();
        String key = "order-" + UUID.randomUUID();
        List<Response> responses = Concurrently.run(20, () -> post(token, key, Api.VALID_REQUEST));

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(202, 409));
        List<String> jobIds = responses.stream().filter(r -> r.statusCode() == 202).map(r -> r.<String>path("jobId"))
                .distinct().toList();
        assertThat(jobIds).hasSize(1);
        assertThat(jobsWithKey(key)).isEqualTo(1);
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

    private static Response post(String token, String key, String body) {
        return Api.as(token).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post("/api/menus");
    }
}
