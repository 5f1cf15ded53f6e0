package app.mealplanner.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.RawHttp;
import app.mealplanner.api.support.ShortIdleTimeout;
import app.mealplanner.common.testing.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Idle connections are closed (a client cannot park connections for 30 minutes, Quarkus' default), while an
 * event stream, busy with heartbeats, stays open however long it lasts.
 */
@QuarkusTest
@TestProfile(ShortIdleTimeout.class)
class IdleConnectionsTest {

    @TestHTTPResource("/")
    java.net.URI base;

    @Test
    void shouldCloseAConnectionThatSendsNothing() {
        try (RawHttp silent = RawHttp.open()) {
            assertThat(silent.closedByServer(10_000)).isTrue();
        }
        try (RawHttp kept = RawHttp.open()) {
            assertThat(kept.send("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(kept.closedByServer(10_000)).as("a kept-alive connection left idle").isTrue();
        }
    }

    @Test
    void shouldKeepAnEventStreamOpenLongerThanTheIdleTimeout() {
        String token = Api.newUserToken();
        String job = Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId");
        SseClient stream = SseClient.open(base.toString().replaceAll("/$", ""), "/api/jobs/" + job + "/events",
                Map.of("Authorization", "Bearer " + token));
        // no worker runs here: the job stays queued, and the stream only gets heartbeats, for 3 idle timeouts
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> stream.comments().size() >= 12);
        assertThat(stream.events()).isNotEmpty();
        assertThat(stream.done().isDone()).as("the stream is still open").isFalse();
    }
}
