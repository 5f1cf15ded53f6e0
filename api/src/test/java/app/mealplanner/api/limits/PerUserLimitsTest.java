package app.mealplanner.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.PreparedStatement;
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

/** The default rules: one active job per user, twenty requests per rolling hour. */
@QuarkusTest
class PerUserLimitsTest {

    @Inject
    Database database;

    @Test
    void shouldAcceptExactlyOneOfFiftyConcurrentRequestsByOneUser() throws Exception {
        String token = Api.newUserToken();
        List<Response> responses = Concurrently.run(50, () -> post(token));

        List<Response> accepted = responses.stream().filter(r -> r.statusCode() == 202).toList();
        List<Response> refused = responses.stream().filter(r -> r.statusCode() == 409).toList();
        assertThat(accepted).hasSize(1);
        assertThat(refused).hasSize(49).allSatisfy(r -> {
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.<String>path("activeJobId")).isEqualTo(accepted.get(0).path("jobId"));
        });
    }

    @Test
    void shouldNotLetOneUsersRequestsBlockAnothers() throws Exception {
        List<String> tokens = List.of(Api.newUserToken(), Api.newUserToken());
        List<Integer> statuses = Concurrently.run(2, new java.util.concurrent.Callable<>() {
            private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

            @Override
            public Integer call() {
                return post(tokens.get(next.getAndIncrement())).statusCode();
            }
        });
        assertThat(statuses).containsExactly(202, 202);
    }

    @Test
    void shouldRefuseTheTwentyFirstRequestOfAnHourWithRetryAfter() {
        String token = Api.newUserToken();
        String jobId = post(token).then().statusCode(202).extract().path("jobId");
        // nineteen more accepted requests in the last hour, all finished: the active limit is not what stops us
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into menu_job (id, user_id, request_hash, request, "
                    + "status, created_at) select gen_random_uuid(), user_id, request_hash, request, 'SUCCEEDED', "
                    + "now() - make_interval(mins => 50 - g) from menu_job, generate_series(1, 19) g where id = ?")) {
                ps.setObject(1, UUID.fromString(jobId));
                return ps.executeUpdate();
            }
        });
        Api.as(token).delete("/api/jobs/" + jobId).then().statusCode(202);

        Response refused = post(token);
        refused.then().statusCode(429).contentType("application/problem+json").body("status", equalTo(429));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        // the oldest of the last twenty was accepted 49 minutes ago: it leaves the window in about 11 minutes
        assertThat(retryAfter).isBetween(10 * 60L, 12 * 60L);
    }

    @Test
    void shouldNotCountRequestsOlderThanAnHourTowardsTheQuota() {
        String token = Api.newUserToken();
        String jobId = post(token).then().statusCode(202).extract().path("jobId");
        // nineteen more finished requests, the oldest 61 minutes ago: twenty in all, nineteen of them in the last hour
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into menu_job (id, user_id, request_hash, request, "
                    + "status, created_at) select gen_random_uuid(), user_id, request_hash, request, 'SUCCEEDED', "
                    + "now() - make_interval(mins => case when g = 19 then 61 else 50 - g end) "
                    + "from menu_job, generate_series(1, 19) g where id = ?")) {
                ps.setObject(1, UUID.fromString(jobId));
                return ps.executeUpdate();
            }
        });
        Api.as(token).delete("/api/jobs/" + jobId).then().statusCode(202);

        String twentieth = post(token).then().statusCode(202).extract().path("jobId");
        Api.as(token).delete("/api/jobs/" + twentieth).then().statusCode(202);
        Response refused = post(token);
        refused.then().statusCode(429);
        // the oldest of the last twenty in the hour was accepted 49 minutes ago
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(10 * 60L, 12 * 60L);
    }

    static Response post(String token) {
        return Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus");
    }
}
