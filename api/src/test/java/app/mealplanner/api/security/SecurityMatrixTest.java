package app.mealplanner.api.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.JwtKeysTestResource;
import app.mealplanner.common.local.LocalSecrets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

/**
 * Every user endpoint against every kind of bad credential (401) and another user's resources (404),
 * login throttling, and the security headers.
 */
@QuarkusTest
class SecurityMatrixTest {

    record Endpoint(String method, String path) {
    }

    @Test
    void shouldRejectEveryBadCredentialOnEveryEndpointAndHideOtherUsersResources() {
        String owner = Api.newUserToken();
        String jobId = Api.as(owner).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId");
        String menuId = UUID.randomUUID().toString();
        List<Endpoint> endpoints = List.of(
                new Endpoint("POST", "/api/menus"),
                new Endpoint("GET", "/api/menus"),
                new Endpoint("GET", "/api/menus/" + menuId),
                new Endpoint("DELETE", "/api/menus/" + menuId),
                new Endpoint("GET", "/api/jobs"),
                new Endpoint("GET", "/api/jobs/" + jobId),
                new Endpoint("DELETE", "/api/jobs/" + jobId),
                new Endpoint("POST", "/api/jobs/" + jobId + "/events-ticket"),
                new Endpoint("GET", "/api/jobs/" + jobId + "/events"));
        String user = UUID.randomUUID().toString();
        Map<String, String> badTokens = Map.of(
                "expired", Jwt.issuer("smart-meal-planner").audience("meal-planner-api").subject(user).groups(Set.of("user"))
                        .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).sign(key()),
                "wrong signature", Jwt.issuer("smart-meal-planner").audience("meal-planner-api").subject(user)
                        .groups(Set.of("user")).expiresIn(600).sign(LocalSecrets.newRsaKeyPair().getPrivate()),
                "alg none", unsigned(user),
                "garbage", "definitely.not.ajwt");
        List<String> failures = new ArrayList<>();
        for (Endpoint e : endpoints) {
            check(failures, e, "no token", given(), Set.of(401));
            badTokens.forEach((name, token) -> check(failures, e, name, given().auth().oauth2(token), Set.of(401)));
        }
        String intruder = Api.newUserToken();
        for (Endpoint e : endpoints.subList(2, endpoints.size())) {
            if (!e.path().equals("/api/jobs")) {
                check(failures, e, "another user", given().auth().oauth2(intruder), Set.of(404));
            }
        }
        assertThat(failures).isEmpty();
        // and the owner's job is untouched by all of that
        Api.as(owner).get("/api/jobs/" + jobId).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("QUEUED"));
    }

    private static void check(List<String> failures, Endpoint e, String credential, RequestSpecification request,
            Set<Integer> expected) {
        Response response = request.contentType(ContentType.JSON).body(e.method().equals("POST") ? Api.VALID_REQUEST : "")
                .request(e.method(), e.path());
        if (!expected.contains(response.statusCode())
                || !String.valueOf(response.contentType()).startsWith("application/problem+json")) {
            failures.add(e + " with " + credential + ": " + response.statusCode() + " " + response.contentType());
        }
    }

    @Test
    void shouldThrottleLoginsAfterRepeatedFailures() {
        String email = "target-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body("{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}")
                .post("/api/auth/register").then().statusCode(201);
        for (int i = 0; i < 10; i++) {
            given().contentType(ContentType.JSON).body("{\"email\":\"" + email + "\",\"password\":\"guess-" + i + "-wrong\"}")
                    .post("/api/auth/login").then().statusCode(401);
        }
        // even the right password is refused while throttled: the guesser cannot tell
        Response throttled = given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + email.toUpperCase() + "\",\"password\":\"correct horse battery\"}").post("/api/auth/login");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 15 * 60L);
        // other accounts are not affected
        Api.newUserToken();
    }

    @Test
    void shouldSetSecurityHeadersOnApiAndPage() {
        for (String path : List.of("/", "/index.html", "/api/jobs", "/q/health/ready")) {
            Response response = given().get(path);
            assertThat(response.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(response.header("X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(response.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
            assertThat(response.header("Content-Security-Policy")).as(path).contains("frame-ancestors 'none'");
        }
        assertThat(given().get("/").then().statusCode(200).extract().asString()).contains("Smart Meal Planner");
    }

    private static PrivateKey key() {
        try {
            String pem = Files.readString(JwtKeysTestResource.dir().resolve("private.pem"));
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(String user) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"iss\":\"smart-meal-planner\",\"aud\":\"meal-planner-api\",\"sub\":\"" + user
                        + "\",\"groups\":[\"user\"],\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}")
                        .getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
