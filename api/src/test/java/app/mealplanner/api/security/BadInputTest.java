package app.mealplanner.api.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.RawHttp;
import app.mealplanner.common.db.Database;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Thousands of generated bad requests against every endpoint: wrong types, missing and extra fields,
 * huge strings, deep nesting, invalid UTF-8, unicode edge cases, injection strings, wrong content types,
 * bad idempotency keys, cursors and ids. No 5xx, every error is problem+json, and only the requests that
 * were accepted changed the database.
 */
@QuarkusTest
class BadInputTest {

    private static final int REQUESTS = 5200;
    private static final int FRAMED_REQUESTS = 1000;
    private static final int STALLED = 40;
    private static final int MAX_BODY = (int) app.mealplanner.api.config.BodyPreRead.MAX_BYTES;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NASTY = {"", " ", "'; drop table menu_job; --", "1' or '1'='1", "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>", "../../etc/passwd", "%00", "\u202Eevil", "\uD83C\uDF55\uD83C\uDF63", "\u200B",
        "null", "true", "-1", "1e309", "NaN", "ｆｕｌｌｗｉｄｔｈ", "\\u0000", "$(reboot)", "{{7*7}}", "${jndi:ldap://x/a}",
        "a".repeat(300), "ü".repeat(100), "vegan", "gluten-free", "peanuts", "BREAKFAST"};
    private static final String[] VALID_BODIES = {
        "{\"days\": 2, \"meals\": [\"lunch\"], \"diet\": \"vegan\", \"allergies\": [\"soy\"], \"excludeIngredients\": [\"olive\"],"
                + " \"caloriesPerDay\": 2000, \"servings\": 2, \"cuisines\": [\"thai\"], \"maxPrepMinutes\": 30, \"notes\": \"hi\"}",
        "{\"email\": \"fuzz@example.com\", \"password\": \"correct horse battery\", \"displayName\": \"F\"}",
        "{\"email\": \"fuzz@example.com\", \"password\": \"correct horse battery\"}"};
    private static final String[] POST_PATHS = {"/api/menus", "/api/auth/register", "/api/auth/login"};

    @Inject
    Database database;

    @Test
    void shouldAnswerEveryBadRequestWithAProblemAndNeverA5xx() throws Exception {
        String token = Api.newUserToken();
        Random random = new Random(20261123);
        long[] before = counts();
        int created = 0;
        List<String> failures = new ArrayList<>();
        java.util.Set<String> jobIds = new java.util.HashSet<>();
        for (int i = 0; i < REQUESTS; i++) {
            Response response;
            String what;
            switch (i % 8) {
                case 0, 1, 2 -> {
                    int which = random.nextInt(3);
                    String body = mutate(VALID_BODIES[which], random);
                    what = "POST " + POST_PATHS[which] + " " + abbreviate(body);
                    response = json(token, random).body(body.getBytes(StandardCharsets.UTF_8)).post(POST_PATHS[which]);
                }
                case 3 -> {
                    byte[] body = rawGarbage(random);
                    String path = POST_PATHS[random.nextInt(3)];
                    what = "POST " + path + " raw " + body.length + " bytes";
                    response = json(token, random).body(body).post(path);
                }
                case 4 -> {
                    String id = badId(random);
                    String[] paths = {"/api/jobs/", "/api/menus/"};
                    String path = paths[random.nextInt(2)] + id;
                    String method = random.nextBoolean() ? "GET" : "DELETE";
                    what = method + " " + path;
                    response = Api.as(token).urlEncodingEnabled(false).request(method, path);
                }
                case 5 -> {
                    String path = random.nextBoolean() ? "/api/jobs" : "/api/menus";
                    RequestSpecification r = Api.as(token);
                    r.queryParam("limit", pick(random, "0", "101", "-5", "abc", "1.5", "", "99999999999", "50"));
                    r.queryParam("cursor", pick(random, NASTY));
                    if (path.equals("/api/jobs")) {
                        r.queryParam("status", pick(random, NASTY));
                    }
                    what = "GET " + path + " with bad query";
                    response = r.get(path);
                }
                case 6 -> {
                    String contentType = pick(random, "text/plain", "application/xml", "multipart/form-data; boundary=x",
                            "application/json; charset=latin1", "image/png");
                    String path = POST_PATHS[random.nextInt(3)];
                    what = "POST " + path + " as " + contentType;
                    response = Api.as(token).contentType(contentType).body(VALID_BODIES[0].getBytes(StandardCharsets.UTF_8))
                            .post(path);
                }
                default -> {
                    String key = pick(random, "", "x".repeat(256), "tab\there", "ünïcödé", "line\nbreak", "\u0001");
                    what = "POST /api/menus with Idempotency-Key " + abbreviate(key);
                    response = json(token, random).header("Idempotency-Key", key).body(VALID_BODIES[0]).post("/api/menus");
                }
            }
            int status = response.statusCode();
            if (status >= 500) {
                failures.add(status + " for " + what);
            } else if (status >= 400 && !String.valueOf(response.contentType()).startsWith("application/problem+json")) {
                failures.add(status + " without problem+json for " + what);
            } else if (status == 201) {
                created++;
            } else if (status == 202) {
                jobIds.add(response.path("jobId")); // a replayed Idempotency-Key answers the same job again
            }
        }
        assertThat(failures).as("%d of %d requests", failures.size(), REQUESTS).isEmpty();
        long[] after = counts();
        created += jobIds.size();
        // rejected requests left no trace: users + jobs grew by exactly the accepted creations
        assertThat((after[0] - before[0]) + (after[1] - before[1])).isEqualTo(created);
        assertThat(after[2]).isEqualTo(before[2]);
    }

    /**
     * The same kind of bodies sent the way ordinary clients do not: chunked in random pieces, over the limit
     * in either framing, with broken chunk framing, odd Expect headers, and a batch that stalls halfway. Each
     * is its own connection, read while the body is still being sent (an answer may come first).
     */
    @Test
    void shouldAnswerEveryBadlyFramedBodyWithAProblemAndNeverA5xx() throws Exception {
        String token = Api.newUserToken();
        Random random = new Random(20261130);
        List<String> failures = new ArrayList<>();
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        List<RawHttp> stalled = new ArrayList<>();
        for (int i = 0; i < STALLED; i++) {
            String path = POST_PATHS[random.nextInt(3)];
            RawHttp raw = RawHttp.open().send("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Type: application/json\r\n"
                    + (i % 2 == 0 ? "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"day" : "Content-Length: 500\r\n\r\n{\"day"));
            stalled.add(raw);
        }
        for (int i = 0; i < FRAMED_REQUESTS; i++) {
            String path = POST_PATHS[random.nextInt(3)];
            byte[] body = switch (random.nextInt(4)) {
                case 0 -> rawGarbage(random);
                case 1 -> new byte[MAX_BODY + 1 + random.nextInt(2 * 1024 * 1024)]; // oversized
                default -> mutate(VALID_BODIES[random.nextInt(3)], random).getBytes(StandardCharsets.UTF_8);
            };
            boolean chunked = random.nextBoolean();
            StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n")
                    .append("Connection: close\r\nContent-Type: application/json\r\n");
            if (random.nextInt(10) > 0) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            switch (random.nextInt(12)) {
                case 0 -> head.append("Expect: 100-continue\r\n");
                case 1 -> head.append("Expect: the-unexpected\r\n");
                default -> { }
            }
            head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n").append("\r\n");
            String what = "POST " + path + (chunked ? " chunked " : " length ") + body.length + " bytes";
            try (RawHttp raw = RawHttp.open()) {
                raw.send(head.toString());
                java.util.concurrent.CompletableFuture<RawHttp.Response> answer =
                        java.util.concurrent.CompletableFuture.supplyAsync(raw::read);
                try {
                    if (!chunked) {
                        raw.send(body);
                    } else if (random.nextInt(20) == 0) {
                        raw.send("zz\r\nnot a chunk\r\n"); // broken chunk framing
                    } else {
                        raw.chunked(body, 1 + random.nextInt(4096));
                    }
                } catch (java.io.UncheckedIOException e) {
                    // the server answered and closed before the whole body was sent
                }
                try {
                    RawHttp.Response response = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    statuses.merge(response.status(), 1, Integer::sum);
                    check(failures, what, response);
                } catch (java.util.concurrent.TimeoutException e) {
                    failures.add("no answer within 30 s for " + what + " (head: " + abbreviate(head.toString()) + ")");
                }
            }
        }
        for (RawHttp raw : stalled) {
            RawHttp.Response response = raw.read();
            statuses.merge(response.status(), 1, Integer::sum);
            check(failures, "a stalled body", response);
            if (response.status() != 408) {
                failures.add(response.status() + " instead of 408 for a stalled body");
            }
            raw.close();
        }
        System.out.printf("framed fuzz: %d requests + %d stalled, answers by status %s%n", FRAMED_REQUESTS, STALLED, statuses);
        assertThat(failures).as("%d of %d requests", failures.size(), FRAMED_REQUESTS + STALLED).isEmpty();
    }

    private static void check(List<String> failures, String what, RawHttp.Response response) {
        if (response.status() < 0) {
            failures.add("no answer for " + what);
        } else if (response.status() >= 500) {
            failures.add(response.status() + " for " + what);
        } else if (response.status() >= 400 && !String.valueOf(response.header("Content-Type")).startsWith("application/problem+json")) {
            failures.add(response.status() + " without problem+json for " + what);
        }
    }

    @TestHTTPResource("/api/menus")
    java.net.URI menus;

    @Test
    void shouldRefuseATenMegabyteBodyWith413Problem() throws Exception {
        byte[] huge = ("{\"notes\": \"" + "x".repeat(10 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        // a well-behaved client announces the body and waits: the api refuses it before it is sent
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                java.net.http.HttpRequest.newBuilder(menus).expectContinue(true)
                        .header("Authorization", "Bearer " + Api.newUserToken())
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(huge)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(413);
    }

    private static RequestSpecification json(String token, Random random) {
        RequestSpecification r = given().contentType("application/json; charset=UTF-8");
        return random.nextInt(10) == 0 ? r : r.auth().oauth2(token);
    }

    private long[] counts() {
        return database.run(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("select (select count(*) from app_user), "
                    + "(select count(*) from menu_job), (select count(*) from menu)")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        });
    }

    static String mutate(String valid, Random random) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(valid);
        List<String> fields = new ArrayList<>();
        root.fieldNames().forEachRemaining(fields::add);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            String field = fields.get(random.nextInt(fields.size()));
            switch (random.nextInt(8)) {
                case 0 -> root.remove(field);
                case 1 -> root.put(field, pick(random, NASTY));
                case 2 -> root.put(field, random.nextInt() * (random.nextBoolean() ? 1L : 1_000_000_000L));
                case 3 -> root.putNull(field);
                case 4 -> root.put("unexpected" + random.nextInt(5), pick(random, NASTY));
                case 5 -> root.put(field, "__NESTED__");
                case 6 -> root.put(field, "x".repeat(random.nextInt(70_000)));
                default -> {
                    ArrayNode array = root.putArray(field);
                    for (int k = random.nextInt(30); k > 0; k--) {
                        array.add(pick(random, NASTY));
                    }
                }
            }
        }
        int depth = random.nextInt(3000);
        String text = JSON.writeValueAsString(root).replace("\"__NESTED__\"", "[".repeat(depth) + "]".repeat(depth));
        // sometimes the raw text itself is broken
        return switch (random.nextInt(12)) {
            case 0 -> text.substring(0, random.nextInt(text.length()));
            case 1 -> text.replace("\"", "'");
            case 2 -> text + "}";
            default -> text;
        };
    }

    private static byte[] rawGarbage(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'}; // invalid UTF-8
            case 1 -> ("{\"days\": \"" + new String(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFD}, StandardCharsets.ISO_8859_1)
                    + "\"}").getBytes(StandardCharsets.ISO_8859_1);
            case 2 -> "[".repeat(5000).getBytes(StandardCharsets.UTF_8);
            case 3 -> new byte[0];
            case 4 -> {
                byte[] b = new byte[random.nextInt(2000)];
                random.nextBytes(b);
                yield b;
            }
            default -> "{\"days\": 1, \"meals\": [\"lunch\"], \"diet\": \"vegan\", \"notes\": \"\\u0000\"}".getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String badId(Random random) {
        return pick(random, "not-a-uuid", UUID.randomUUID().toString(), "00000000-0000-0000-0000-000000000000",
                "..%2F..%2Fetc%2Fpasswd", "%00", "1'%20or%20'1'%3D'1", "x".repeat(500), "%F0%9F%8D%95",
                UUID.randomUUID() + "extra", "%3Cscript%3E");
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
