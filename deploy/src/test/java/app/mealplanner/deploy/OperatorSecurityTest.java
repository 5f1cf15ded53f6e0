package app.mealplanner.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator must get right: the dashboard needs credentials (and answers a malformed one with 401),
 * and a wildcard CORS origin or an unreadable signing key stops the api.
 */
class OperatorSecurityTest {

    private static SystemUnderTest system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = SystemUnderTest.get();
    }

    @Test
    void shouldRequireCredentialsForTheDashboard() {
        String dashboard = "http://localhost:" + system.dashboardPort;
        given().baseUri(dashboard).get("/api/jobs?state=SUCCEEDED&offset=0&limit=20").then().statusCode(401);
        given().baseUri(dashboard).auth().preemptive().basic("admin", "wrong-password")
                .get("/api/jobs?state=SUCCEEDED&offset=0&limit=20").then().statusCode(401);
        given().baseUri(dashboard).auth().preemptive().basic("admin", system.dashboardPassword)
                .get("/api/jobs?state=SUCCEEDED&offset=0&limit=20").then().statusCode(200);
    }

    @Test
    void shouldAnswerAMalformedBasicHeaderWith401() {
        String dashboard = "http://localhost:" + system.dashboardPort;
        String noColon = Base64.getEncoder().encodeToString("admin".getBytes(StandardCharsets.UTF_8));
        for (String header : new String[] {"Basic !!!", "Basic " + noColon, "Basic", "Basic ", "Bearer abc", "basic=="}) {
            given().baseUri(dashboard).header("Authorization", header).get("/api/jobs?state=SUCCEEDED&offset=0&limit=20")
                    .then().statusCode(401).header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Basic"));
        }
        // the dashboard still answers afterwards
        given().baseUri(dashboard).auth().preemptive().basic("admin", system.dashboardPassword)
                .get("/api/jobs?state=SUCCEEDED&offset=0&limit=20").then().statusCode(200);
    }

    @Test
    void shouldRefuseToStartWithASigningKeyItCannotRead() throws Exception {
        Path directory = Files.createTempDirectory("not-a-key");
        for (String location : new String[] {directory.resolve("missing.pem").toString(), directory.toString()}) {
            Map<String, String> env = new HashMap<>(system.apiEnv());
            env.put("JWT_PRIVATE_KEY_LOCATION", location);
            AppProcess api = AppProcess.start("api", "e2e-api-unreadable-key", AppProcess.freePort(), env);
            try {
                OptionalInt exit = api.awaitExit(Duration.ofSeconds(60));
                assertThat(exit).as("the api must stop by itself").isPresent();
                assertThat(exit.getAsInt()).isNotZero();
                assertThat(Files.readString(api.log())).contains("JWT_PRIVATE_KEY_LOCATION").contains(location);
            } finally {
                api.close();
            }
        }
    }

    @Test
    void shouldRefuseToStartWithAWildcardCorsOrigin() throws Exception {
        Map<String, String> env = new HashMap<>(system.apiEnv()); // usable keys: only the origin is wrong
        env.put("CORS_ORIGINS", "*");
        AppProcess api = AppProcess.start("api", "e2e-api-cors-wildcard", AppProcess.freePort(), env);
        try {
            OptionalInt exit = api.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("the api must stop by itself").isPresent();
            assertThat(exit.getAsInt()).isNotZero();
            assertThat(Files.readString(api.log())).contains("CORS_ORIGINS contains '*'");
        } finally {
            api.close();
        }
    }
}
