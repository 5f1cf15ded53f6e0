package app.mealplanner.api.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * What the browser is told about other origins: the page this api serves may connect to this api only
 * (CSP connect-src 'self', and a config.json naming no other api), and CORS answers, which depend on the
 * request's Origin, carry {@code Vary: Origin} so that no cache hands one origin's answer to another.
 */
@QuarkusTest
class CrossOriginTest {

    private static final String ALLOWED = "http://localhost:3000"; // CORS_ORIGINS' default
    private static final String OTHER = "https://evil.example";

    @Test
    void shouldLetThePageConnectToItsOwnOriginOnly() {
        for (String path : List.of("/", "/index.html", "/app.js", "/config.json", "/api/jobs", "/q/health/ready")) {
            String policy = given().get(path).header("Content-Security-Policy");
            assertThat(policy).as(path).isNotNull();
            List<String> connectSrc = Arrays.stream(policy.split(";")).map(String::trim)
                    .filter(d -> d.startsWith("connect-src ")).toList();
            assertThat(connectSrc).as(path).containsExactly("connect-src 'self'");
        }
        given().get("/config.json").then().statusCode(200).contentType("application/json")
                .body("apiOrigins.size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void shouldSayThatEveryAnswerDependsOnTheOrigin() {
        Response allowed = given().header("Origin", ALLOWED).get("/q/health/ready");
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(allowed.headers().getValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));

        Response preflight = given().header("Origin", ALLOWED).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type").options("/api/menus");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(preflight.headers().getValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));

        for (Response r : List.of(given().header("Origin", OTHER).get("/q/health/ready"), given().get("/q/health/ready"),
                given().get("/"))) {
            assertThat(r.header("Access-Control-Allow-Origin")).isNull();
            assertThat(r.headers().getValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));
        }
    }
}
