package app.mealplanner.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.testing.SseClient;

/** Status changes reach subscribers on any api process, whichever process (or worker) made them. */
class TwoApiProcessesTest {

    private static SystemUnderTest system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = SystemUnderTest.get();
    }

    @Test
    void shouldShowTheWorkersChangesToASubscriberOnTheOtherApi() throws Exception {
        String token = system.newUserToken();
        JobStatus accepted = EndToEndTest.submit(system.api, token, "{\"days\": 1, \"meals\": [\"lunch\"], \"diet\": \"vegan\"}");
        SseClient stream = SseClient.open(system.secondApi.baseUrl(), "/api/jobs/" + accepted.jobId() + "/events",
                Map.of("Authorization", "Bearer " + token));

        assertThat(stream.done().get(30, TimeUnit.SECONDS)).isEqualTo(200);
        // status events only: a model job's stream also carries its days ("day" events, no id)
        List<SseClient.Event> statusEvents = stream.events().stream().filter(e -> "status".equals(e.name())).toList();
        List<String> statuses = statusEvents.stream().map(e -> statusOf(e.data())).toList();
        // the model takes 1.5 s: the subscriber sees the job running, then its end
        assertThat(statuses).contains("RUNNING").last().isEqualTo("SUCCEEDED");
        assertThat(statusEvents).extracting(SseClient.Event::version).isSorted();
    }

    @Test
    void shouldShowACancellationThroughTheFirstApiToASubscriberOnTheSecond() throws Exception {
        String token = system.newUserToken();
        JobStatus accepted = EndToEndTest.submit(system.api, token, "{\"days\": 1, \"meals\": [\"dinner\"], \"diet\": \"omnivore\"}");
        SseClient stream = SseClient.open(system.secondApi.baseUrl(), "/api/jobs/" + accepted.jobId() + "/events",
                Map.of("Authorization", "Bearer " + token));
        await().atMost(Duration.ofSeconds(10)).until(() -> !stream.events().isEmpty());

        given().baseUri(system.api.baseUrl()).auth().oauth2(token).delete("/api/jobs/" + accepted.jobId())
                .then().statusCode(202);

        assertThat(stream.done().get(30, TimeUnit.SECONDS)).isEqualTo(200);
        List<SseClient.Event> events = stream.events();
        String last = events.get(events.size() - 1).data();
        assertThat(statusOf(last)).isEqualTo("CANCELLED");
    }

    private static String statusOf(String data) {
        try {
            return EndToEndTest.JSON.readTree(data).get("status").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
