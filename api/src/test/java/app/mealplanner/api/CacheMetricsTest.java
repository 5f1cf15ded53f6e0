package app.mealplanner.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The api's two hot-path caches (verified tokens, job versions) report their hits and misses on
 * {@code /q/metrics}, so that a falling hit rate shows up on the board before it shows up as CPU.
 */
@QuarkusTest
class CacheMetricsTest {

    @Test
    void shouldCountATokensFirstUseAsAMissAndItsNextUseAsAHit() {
        String token = Api.newUserToken();
        double hits = gets("verified-tokens", "hit");
        double misses = gets("verified-tokens", "miss");

        Api.as(token).get("/api/jobs").then().statusCode(200);
        Api.as(token).get("/api/jobs").then().statusCode(200);

        assertThat(gets("verified-tokens", "miss") - misses).isEqualTo(1.0);
        assertThat(gets("verified-tokens", "hit") - hits).isEqualTo(1.0);
        assertThat(metricLines("cache_size{")).anyMatch(l -> l.contains("cache=\"verified-tokens\""));
    }

    @Test
    void shouldCountAPollOfAnUnknownJobAsAMissAndAPollOfAKnownOneAsAHit() {
        String token = Api.newUserToken();
        double hits = gets("job-versions", "hit");
        double misses = gets("job-versions", "miss");

        Api.as(token).get("/api/jobs/" + UUID.randomUUID()).then().statusCode(404);
        assertThat(gets("job-versions", "miss") - misses).isEqualTo(1.0);

        UUID id = UUID.fromString(Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST)
                .post("/api/menus").then().statusCode(202).extract().path("jobId"));
        // the first poll is answered from the row (or from the notification, if it came first) and
        // leaves the version known; the second finds it
        Api.as(token).get("/api/jobs/" + id).then().statusCode(200);
        Api.as(token).get("/api/jobs/" + id).then().statusCode(200);

        assertThat(gets("job-versions", "hit") - hits).isGreaterThanOrEqualTo(1.0);
        assertThat(metricLines("cache_size{")).anyMatch(l -> l.contains("cache=\"job-versions\""));
    }

    /** {@code cache_gets_total} of one cache and result (OpenMetrics: an exemplar may follow the value). */
    private static double gets(String cache, String result) {
        return metricLines("cache_gets_total{").stream()
                .filter(l -> l.contains("cache=\"" + cache + "\"") && l.contains("result=\"" + result + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf("} ") + 2).split(" ")[0]))
                .sum();
    }

    private static List<String> metricLines(String prefix) {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith(prefix)).toList();
    }
}
