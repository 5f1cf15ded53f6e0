package app.mealplanner.api.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.JwtKeysTestResource;
import app.mealplanner.common.local.LocalSecrets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;

@QuarkusTest
class AuthTest {

    private static final String PASSWORD = "correct horse battery";

    private static String register(String email) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"displayName\":\"Ann\"}";
    }

    @Test
    void shouldRegisterThenLogInWithABearerToken() {
        String email = "ann-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body(register(email)).post("/api/auth/register")
                .then().statusCode(201).body("email", equalTo(email)).body("id", notNullValue())
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("passwordHash")));
        given().contentType(ContentType.JSON).body("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}")
                .post("/api/auth/login")
                .then().statusCode(200)
                .body("tokenType", equalTo("Bearer"))
                .body("expiresIn", equalTo(3600))
                .body("accessToken", notNullValue());
    }

    @Test
    void shouldCheckATokensSignatureOnceWhileItIsUsedAgainAndAgain() {
        String token = Api.newUserToken();
        double hitsBefore = cacheCount("hit");
        double missesBefore = cacheCount("miss");
        for (int i = 0; i < 5; i++) {
            Api.as(token).get("/api/jobs").then().statusCode(200);
        }
        assertThat(cacheCount("miss") - missesBefore).isEqualTo(1.0);
        assertThat(cacheCount("hit") - hitsBefore).isEqualTo(4.0);
        // one changed character is another token, checked in full and refused
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        Api.as(forged).get("/api/jobs").then().statusCode(401);
    }

    /** The token cache's counter from /q/metrics (OpenMetrics: an exemplar may follow the value). */
    private static double cacheCount(String result) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("menu_auth_token_cache_total{") && l.contains("result=\"" + result + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf("} ") + 2).split(" ")[0]))
                .sum();
    }

    @Test
    void shouldRefuseADuplicateEmailWhateverItsCase() {
        String email = "dup-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body(register(email)).post("/api/auth/register").then().statusCode(201);
        given().contentType(ContentType.JSON).body(register(email.toUpperCase())).post("/api/auth/register")
                .then().statusCode(409).contentType("application/problem+json").body("status", equalTo(409));
    }

    @Test
    void shouldRejectBadRegistrations() {
        given().contentType(ContentType.JSON).body("{\"email\":\"not-an-email\",\"password\":\"" + PASSWORD + "\"}")
                .post("/api/auth/register").then().statusCode(400).body("errors.field", hasItem("email"));
        given().contentType(ContentType.JSON).body("{\"email\":\"a" + UUID.randomUUID() + "@example.com\",\"password\":\"short\"}")
                .post("/api/auth/register").then().statusCode(400).body("errors.field", hasItem("password"));
    }

    @Test
    void shouldRefuseWrongPasswordAndUnknownEmailAlike() {
        String email = "bob-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body(register(email)).post("/api/auth/register").then().statusCode(201);
        String wrongPassword = given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + email + "\",\"password\":\"wrong password!\"}")
                .post("/api/auth/login").then().statusCode(401).contentType("application/problem+json")
                .extract().path("detail");
        String unknownEmail = given().contentType(ContentType.JSON)
                .body("{\"email\":\"nobody-" + UUID.randomUUID() + "@example.com\",\"password\":\"wrong password!\"}")
                .post("/api/auth/login").then().statusCode(401).extract().path("detail");
        assertThat(unknownEmail).isEqualTo(wrongPassword);
    }

    static Stream<String> badTokens() throws Exception {
        String user = UUID.randomUUID().toString();
        String expired = Jwt.issuer("smart-meal-planner").subject(user).groups(Set.of("user"))
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign(testPrivateKey());
        String wrongKey = Jwt.issuer("smart-meal-planner").subject(user).groups(Set.of("user")).expiresIn(600)
                .sign(LocalSecrets.newRsaKeyPair().getPrivate());
        String wrongIssuer = Jwt.issuer("someone-else").audience("meal-planner-api").subject(user)
                .groups(Set.of("user")).expiresIn(600).sign(testPrivateKey());
        // a valid SSE ticket is not an access token
        String ticket = Jwt.issuer("smart-meal-planner").audience("meal-planner-events").subject(user)
                .groups(Set.of("user")).claim("job", UUID.randomUUID().toString()).expiresIn(60).sign(testPrivateKey());
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String algNone = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"iss\":\"smart-meal-planner\",\"sub\":\"" + user + "\",\"groups\":[\"user\"],"
                        + "\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}").getBytes(StandardCharsets.UTF_8))
                + ".";
        return Stream.of("not-a-jwt", "a.b.c", expired, wrongKey, wrongIssuer, algNone, ticket);
    }

    @ParameterizedTest
    @MethodSource("badTokens")
    void shouldRejectInvalidTokensWithProblem(String token) {
        given().auth().oauth2(token).get("/api/jobs/" + UUID.randomUUID())
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void shouldRequireATokenOnEveryUserEndpoint() {
        given().get("/api/jobs/" + UUID.randomUUID()).then().statusCode(401).contentType("application/problem+json");
        given().get("/api/menus/" + UUID.randomUUID()).then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void shouldAcceptATokenSignedWithTheServiceKey() {
        String token = Jwt.issuer("smart-meal-planner").audience("meal-planner-api").subject(UUID.randomUUID().toString())
                .groups(Set.of("user")).expiresIn(600).sign(testPrivateKey());
        // a well-formed token of a user with no jobs: authenticated, and the job is simply not there
        given().auth().oauth2(token).get("/api/jobs/" + UUID.randomUUID()).then().statusCode(404);
    }

    private static PrivateKey testPrivateKey() {
        try {
            String pem = Files.readString(JwtKeysTestResource.dir().resolve("private.pem"));
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
