package app.mealplanner.api.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Concurrently;
import app.mealplanner.api.support.ProductionAbuseLimits;
import app.mealplanner.common.db.Database;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Login throttling and the registration limit, per client address (OWASP Authentication and Credential
 * Stuffing cheat sheets): failures are counted atomically per email and address with a ceiling per address
 * across emails, a guesser elsewhere cannot lock the owner out, X-Forwarded-For counts only from a trusted
 * proxy, old counts are purged, and one address cannot register accounts without end.
 */
@QuarkusTest
@TestProfile(ProductionAbuseLimits.class)
class AbuseLimitsTest {

    private static final String PASSWORD = "correct horse battery";

    @Inject
    Database database;

    @TestHTTPResource("/")
    URI base;

    @Test
    void shouldEvaluateExactlyTenOfSixtyParallelGuessesForOneAccount() throws Exception {
        String email = register("192.0.2.1");
        List<Integer> statuses = Concurrently.run(60, () -> login("198.51.100.10", email, "wrong guess!"));
        assertThat(statuses.stream().filter(s -> s == 401).count()).isEqualTo(10);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(50);
    }

    @Test
    void shouldLetTheOwnerInFromAnAddressWithoutFailuresWhileTheGuesserIsThrottled() {
        String email = register("192.0.2.2");
        for (int i = 0; i < 10; i++) {
            assertThat(login("198.51.100.20", email, "guess-" + i)).isEqualTo(401);
        }
        Response throttled = loginResponse("198.51.100.20", email, PASSWORD);
        assertThat(throttled.statusCode()).as("the guesser cannot tell a right password").isEqualTo(429);
        assertThat(throttled.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 15 * 60L);

        assertThat(login("198.51.100.21", email, PASSWORD)).as("the owner elsewhere").isEqualTo(200);
        // an email nobody registered is throttled for the guesser alone, too
        String unknown = "nobody-" + UUID.randomUUID() + "@example.com";
        for (int i = 0; i < 10; i++) {
            login("198.51.100.22", unknown, "guess-" + i);
        }
        assertThat(login("198.51.100.22", unknown, "guess-x")).isEqualTo(429);
        assertThat(login("198.51.100.23", unknown, "guess-x")).isEqualTo(401);
    }

    @Test
    void shouldStopOneAddressGuessingAcrossManyAccounts() {
        String address = "198.51.100.30";
        int failures = 0;
        while (failures < ProductionAbuseLimits.LOGIN_FAILURES_PER_ADDRESS) {
            String email = "spray-" + UUID.randomUUID() + "@example.com";
            for (int i = 0; i < 5 && failures < ProductionAbuseLimits.LOGIN_FAILURES_PER_ADDRESS; i++, failures++) {
                assertThat(login(address, email, "Summer2026!")).isEqualTo(401);
            }
        }
        String owner = register("192.0.2.3");
        assertThat(login(address, owner, PASSWORD)).as("any account, from the spraying address").isEqualTo(429);
        assertThat(login("198.51.100.31", owner, PASSWORD)).isEqualTo(200);
    }

    @Test
    void shouldTrustXForwardedForOnlyFromTheConfiguredProxy() throws Exception {
        String email = register("192.0.2.4");
        // 127.0.0.2 is not a trusted proxy: whatever X-Forwarded-For it sends, it is counted as itself
        InetAddress untrusted = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < 10; i++) {
            assertThat(loginFrom(untrusted, "203.0.113." + i, email, "guess-" + i)).isEqualTo(401);
        }
        assertThat(loginFrom(untrusted, "203.0.113.99", email, PASSWORD)).isEqualTo(429);
        // through the trusted proxy (127.0.0.1) the header names the client
        assertThat(login("203.0.113.99", email, PASSWORD)).isEqualTo(200);
    }

    @Test
    void shouldPurgeFailuresOnceTheirWindowIsOver() {
        String email = "purged-" + UUID.randomUUID() + "@example.com";
        assertThat(login("198.51.100.40", email, "wrong guess!")).isEqualTo(401);
        assertThat(failureRows(email)).isPositive();
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update login_failure set window_start = now() - interval '1 day' where email = ?")) {
                ps.setString(1, email);
                return ps.executeUpdate();
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> failureRows(email) == 0);
    }

    @Test
    void shouldLimitRegistrationsPerAddressWith429AndRetryAfter() {
        String address = "198.51.100.50";
        for (int i = 0; i < 20; i++) {
            register(address);
        }
        Response refused = given().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body(registration("one-too-many-" + UUID.randomUUID() + "@example.com")).post("/api/auth/register");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 3600L);
        register("198.51.100.51"); // other addresses are not affected
    }

    private long failureRows(String email) {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from login_failure where email = ?")) {
                ps.setString(1, email);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static String registration(String email) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}";
    }

    private static String register(String address) {
        String email = "abuse-" + UUID.randomUUID() + "@example.com";
        given().header("X-Forwarded-For", address).contentType(ContentType.JSON).body(registration(email))
                .post("/api/auth/register").then().statusCode(201);
        return email;
    }

    private static int login(String address, String email, String password) {
        return loginResponse(address, email, password).statusCode();
    }

    private static Response loginResponse(String address, String email, String password) {
        return given().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}").post("/api/auth/login");
    }

    private int loginFrom(InetAddress from, String forwardedFor, String email, String password) throws Exception {
        HttpClient client = HttpClient.newBuilder().localAddress(from).build();
        return client.send(HttpRequest.newBuilder(base.resolve("/api/auth/login"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
