package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Conditional polling per RFC 9110: the ETag changes whenever the body does (a queued job's place in the
 * queue moves without a new version), and If-None-Match compares weakly, takes lists and {@code *}.
 */
@QuarkusTest
class ConditionalGetTest {

    @Inject
    MenuJobs jobs;
    @Inject
    JobVersions versions;

    @Test
    void shouldChangeTheTagWhenAQueuedJobMovesUpTheQueue() {
        String ahead = Api.newUserToken();
        String behind = Api.newUserToken();
        UUID first = submit(ahead);
        UUID second = submit(behind);
        await().atMost(Duration.ofSeconds(5)).until(() -> versions.lookup(second) != null);

        Response before = Api.as(behind).get("/api/jobs/" + second);
        int position = before.path("queuePosition");
        String tag = before.header("ETag");

        Api.as(ahead).delete("/api/jobs/" + first).then().statusCode(202);

        Response after = Api.as(behind).header("If-None-Match", tag).get("/api/jobs/" + second);
        assertThat(after.statusCode()).as("a new place in the queue is a new body").isEqualTo(200);
        assertThat((int) after.path("queuePosition")).isEqualTo(position - 1);
        assertThat(after.header("ETag")).isNotEqualTo(tag);
        // and the new tag stands for the new body
        Api.as(behind).header("If-None-Match", after.header("ETag")).get("/api/jobs/" + second).then().statusCode(304);
    }

    @Test
    void shouldCompareWeaklyAndAcceptListsAndAStar() {
        String token = Api.newUserToken();
        UUID id = submit(token);
        jobs.start(id, 1);
        jobs.progress(id, 1, Stage.CALLING_MODEL, 30);
        long version = jobs.find(id).orElseThrow().version();
        await().atMost(Duration.ofSeconds(5)).until(() -> versions.lookup(id) != null && versions.lookup(id).version() == version);
        String tag = Api.as(token).get("/api/jobs/" + id).then().statusCode(200).extract().header("ETag");
        String weak = "W/" + tag;

        for (String header : new String[] {tag, weak, "\"nope\", " + weak, "\"a\",\"b\"," + tag, "*", " " + tag + " "}) {
            Api.as(token).header("If-None-Match", header).get("/api/jobs/" + id).then().statusCode(304);
            versions.forget(id); // the same answer when the row is read
            Api.as(token).header("If-None-Match", header).get("/api/jobs/" + id).then().statusCode(304);
        }
        for (String header : new String[] {"\"nope\"", "W/\"nope\", \"other\"", tag.replace("\"", ""), "W/"}) {
            Api.as(token).header("If-None-Match", header).get("/api/jobs/" + id).then().statusCode(200);
        }
    }

    private static UUID submit(String token) {
        return UUID.fromString(Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId"));
    }
}
