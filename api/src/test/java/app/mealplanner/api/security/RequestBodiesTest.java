package app.mealplanner.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.RawHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Request bodies are read on the event loop, capped and timed, whatever their framing: a client that
 * starts a body and stalls holds no blocking thread and gets 408, a body over 64 KiB gets 413
 * problem+json whether it announced its length or came in chunks.
 */
@QuarkusTest
class RequestBodiesTest {

    /** Quarkus' blocking pool when not configured: the greater of 8 per processor and 200. */
    private static final int BLOCKING_THREADS = Math.max(8 * Runtime.getRuntime().availableProcessors(), 200);
    private static final String PASSWORD = "correct horse battery";

    @TestHTTPResource("/")
    URI base;

    @Test
    void shouldKeepAnsweringWhileMoreUploadsStallThanTheBlockingPoolHasThreads() throws Exception {
        String email = "patient-" + UUID.randomUUID() + "@example.com";
        io.restassured.RestAssured.given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}")
                .post("/api/auth/register").then().statusCode(201);
        String token = Api.newUserToken();

        List<RawHttp> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < BLOCKING_THREADS + 20; i++) {
                RawHttp upload = RawHttp.open().send("POST /api/auth/register HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                upload.chunk("{\"email\": \"slow".getBytes(StandardCharsets.UTF_8));
                stalled.add(upload);
            }
            for (int i = 0; i < 5; i++) { // a stalled body that announced its length is timed too
                stalled.add(RawHttp.open().send("POST /api/auth/register HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"email\": \"slow"));
            }

            // while all of them wait, the api answers at once (before: each of these waited ~60 s for a thread)
            HttpClient http = HttpClient.newHttpClient();
            Duration prompt = Duration.ofSeconds(8);
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(prompt).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/api/auth/login")).timeout(prompt)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/api/menus")).timeout(prompt)
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);

            // and each stalled upload ends with 408 problem+json once its 10 s are over, its connection closed
            for (RawHttp upload : stalled) {
                RawHttp.Response response = upload.read();
                assertThat(response.status()).isEqualTo(408);
                assertThat(response.header("Content-Type")).startsWith("application/problem+json");
                assertThat(response.body()).contains("\"status\":408");
                assertThat(upload.closedByServer(5_000)).isTrue();
            }
        } finally {
            stalled.forEach(RawHttp::close);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64 * 1024 + 1, 100 * 1024, 1024 * 1024, 15 * 1024 * 1024, 17 * 1024 * 1024})
    void shouldRefuseAChunkedBodyOverTheLimitWith413Problem(int size) throws Exception {
        String token = Api.newUserToken();
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        try (RawHttp upload = RawHttp.open()) {
            upload.send("POST /api/menus HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            // the answer may come (and the connection close) while the body is still being sent
            CompletableFuture<RawHttp.Response> answer = CompletableFuture.supplyAsync(upload::read);
            upload.chunked(body, 8 * 1024);
            RawHttp.Response response = answer.get();
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.body()).contains("\"status\":413").contains("65536");
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        }
    }

    @Test
    void shouldRefuseAnAnnouncedBodyOverTheLimitWith413ProblemBeforeReadingIt() {
        try (RawHttp upload = RawHttp.open()) {
            RawHttp.Response response = upload.send("POST /api/auth/register HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 65537\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(upload.closedByServer(5_000)).isTrue();
        }
    }

    @Test
    void shouldReadAChunkedBodyWithinTheLimitLikeAnyOther() {
        String email = "chunked-" + UUID.randomUUID() + "@example.com";
        byte[] body = ("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}").getBytes(StandardCharsets.UTF_8);
        try (RawHttp upload = RawHttp.open()) {
            RawHttp.Response response = upload.send("POST /api/auth/register HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").chunked(body, 7).read();
            assertThat(response.status()).isEqualTo(201);
            assertThat(response.body()).contains(email);
        }
    }

    @Test
    void shouldAnswerARequestWithoutHostWith400ProblemAndNoErrorLog() {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (RawHttp raw = RawHttp.open()) {
            RawHttp.Response response = raw.send("GET /q/health/ready HTTP/1.1\r\nConnection: close\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.body()).contains("\"status\":400").contains("Host");
        } finally {
            root.removeHandler(capture);
        }
        assertThat(errors).extracting(LogRecord::getMessage).isEmpty();
    }
}
