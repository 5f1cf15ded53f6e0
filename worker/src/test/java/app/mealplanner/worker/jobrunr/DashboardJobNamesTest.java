package app.mealplanner.worker.jobrunr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.worker.support.DashboardProfile;
import app.mealplanner.worker.support.FakeModels;
import app.mealplanner.worker.support.TestJobs;
import app.mealplanner.worker.testing.FakeFault;
import app.mealplanner.worker.testing.FakeModelServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * What an admin sees in the JobRunr dashboard, read through the dashboard's own JSON API: a queued job
 * named after its request, and once this worker ran it, where its menu came from.
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
class DashboardJobNamesTest {

    private static final String WEEK_VEGAN = """
            {"days": 7, "meals": ["breakfast", "lunch", "dinner"], "diet": "vegan"}
            """;
    private static final String DAY_VEGETARIAN = """
            {"days": 1, "meals": ["breakfast", "dinner"], "diet": "vegetarian"}
            """;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobQueue queue;
    @Inject
    JobServer jobServer;
    @Inject
    CircuitBreakerMaintenance breakers;
    @ConfigProperty(name = "menu.dashboard.port")
    int dashboardPort;

    FakeModelServer model = FakeModels.primary();

    @BeforeEach
    void reset() {
        model.reset();
        breakers.resetAll();
    }

    @org.junit.jupiter.api.AfterEach
    void realisticSpeedAgain() {
        model.tokensPerSecond(60);
    }

    @Test
    void shouldShowAQueuedJobByItsRequestAndThenTheModelThatWroteItsMenu() throws Exception {
        MenuJob job = testJobs.queued(WEEK_VEGAN);
        // what is named matters here, not how long the model writes: ten times the realistic speed
        model.tokensPerSecond(600);

        jobServer.server().pauseProcessing();
        try {
            queue.enqueue(job.id(), job.request());
            JsonNode queued = dashboardJob("ENQUEUED", job.id()).orElseThrow();
            assertThat(queued.get("jobName").asText()).isEqualTo("Menu 7d × 3 · vegan");
            assertThat(labels(queued)).containsExactly("diet:vegan", "size:medium");
        } finally {
            jobServer.server().resumeProcessing();
        }

        JsonNode done = awaitDashboardJob("SUCCEEDED", job.id());
        assertThat(done.get("jobName").asText()).isEqualTo("Menu 7d × 3 · vegan · model");
        assertThat(labels(done)).containsExactly("source:model", "diet:vegan", "size:medium");
        // the menu_job id is the JobRunr job id: the dashboard's job page is reached with it
        assertThat(dashboard("/api/jobs/" + job.id()).get("id").asText()).isEqualTo(job.id().toString());
        assertThat(testJobs.awaitFinal(job.id(), Duration.ofSeconds(5)).status()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void shouldShowACatalogMenuWrittenBecauseTheModelFailed() throws Exception {
        MenuJob job = testJobs.queued(DAY_VEGETARIAN);
        model.on(FakeModelServer.anyCall(), new FakeFault.ServerError(500), 100);

        queue.enqueue(job.id(), job.request());

        JsonNode done = awaitDashboardJob("SUCCEEDED", job.id());
        assertThat(done.get("jobName").asText()).isEqualTo("Menu 1d × 2 · vegetarian · catalog (model fallback)");
        assertThat(labels(done)).containsExactly("source:catalog", "diet:vegetarian", "size:small");
    }

    @Test
    void shouldShowAJobThatFailedOnTheModelAsAModelJob() throws Exception {
        MenuJob job = testJobs.queued(DAY_VEGETARIAN);
        model.on(FakeModelServer.anyCall(), new FakeFault.BadKey(), 100);

        queue.enqueue(job.id(), job.request());

        JsonNode failed = awaitDashboardJob("FAILED", job.id());
        assertThat(failed.get("jobName").asText()).isEqualTo("Menu 1d × 2 · vegetarian · model");
        assertThat(labels(failed)).containsExactly("source:model", "diet:vegetarian", "size:small");
    }

    private JsonNode awaitDashboardJob(String state, UUID id) {
        return await("job " + id + " " + state + " in the dashboard").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> dashboardJob(state, id), Optional::isPresent).orElseThrow();
    }

    /** The job as the dashboard's job list for {@code state} shows it (the list the admin pages through). */
    private Optional<JsonNode> dashboardJob(String state, UUID id) throws IOException, InterruptedException {
        JsonNode page = dashboard("/api/jobs?state=" + state + "&offset=0&limit=100&order=updatedAt:DESC");
        for (JsonNode item : page.get("items")) {
            if (item.get("id").asText().equals(id.toString())) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    private JsonNode dashboard(String path) throws IOException, InterruptedException {
        String credentials = Base64.getEncoder().encodeToString(
                (DashboardProfile.USER + ":" + DashboardProfile.PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + dashboardPort + path))
                .header("Authorization", "Basic " + credentials).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> labels(JsonNode job) {
        List<String> labels = new ArrayList<>();
        job.get("labels").forEach(l -> labels.add(l.asText()));
        return labels;
    }
}
