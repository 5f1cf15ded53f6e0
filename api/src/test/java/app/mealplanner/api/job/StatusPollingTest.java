package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.events.JobEventHub;
import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.Backends;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Polling a job answered from what the api's LISTEN connection reports ({@link JobVersions}): it follows
 * every change, never shows one user's job to another, and never answers from memory what it may have
 * missed while that connection was down.
 */
@QuarkusTest
class StatusPollingTest {

    @Inject
    MenuJobs jobs;
    @Inject
    JobVersions versions;
    @Inject
    JobEventHub hub;
    @Inject
    Database database;

    @Test
    void shouldAnswerFromWhatTheListenConnectionReportsAndFollowEveryChange() {
        String token = Api.newUserToken();
        UUID id = submit(token);
        await().atMost(Duration.ofSeconds(5)).until(() -> versions.lookup(id) != null);

        String queued = etag(token, id);
        Api.as(token).header("If-None-Match", queued).get("/api/jobs/" + id).then().statusCode(304)
                .header("Retry-After", "2");

        jobs.start(id, 1);
        jobs.progress(id, 1, Stage.CALLING_MODEL, 30);
        long version = jobs.find(id).orElseThrow().version();
        // the notification arrives a few milliseconds after the commit
        await().atMost(Duration.ofSeconds(5)).until(() -> versions.lookup(id).version() == version);
        Api.as(token).header("If-None-Match", queued).get("/api/jobs/" + id).then().statusCode(200)
                .header("ETag", "\"" + version + "\"").header("Retry-After", "1")
                .body("status", equalTo("RUNNING")).body("stage", equalTo("calling-model"))
                .body("progress", equalTo(30)).body("links.self", equalTo("/api/jobs/" + id));
        Api.as(token).header("If-None-Match", "\"" + version + "\"").get("/api/jobs/" + id).then().statusCode(304);

        // the same body as a read of the row (the running job's 200 came from the notification)
        String fromMemory = Api.as(token).get("/api/jobs/" + id).then().statusCode(200).extract().asString();
        versions.forget(id);
        String fromRow = Api.as(token).get("/api/jobs/" + id).then().statusCode(200).extract().asString();
        assertThat(fromMemory).isEqualTo(fromRow);
    }

    @Test
    void shouldNotShowAnotherUsersJobEvenWhenItsVersionIsKnown() {
        String alice = Api.newUserToken();
        String bob = Api.newUserToken();
        UUID id = submit(alice);
        String etag = etag(alice, id);
        await().atMost(Duration.ofSeconds(5)).until(() -> versions.lookup(id) != null);

        Api.as(bob).get("/api/jobs/" + id).then().statusCode(404).contentType("application/problem+json");
        Api.as(bob).header("If-None-Match", etag).get("/api/jobs/" + id).then().statusCode(404);
    }

    @Test
    void shouldNotAnswerFromMemoryWhatItMayHaveMissedWhileTheListenConnectionWasDown() {
        String token = Api.newUserToken();
        UUID id = submit(token);
        String queued = etag(token, id);
        await().atMost(Duration.ofSeconds(5)).until(() -> versions.lookup(id) != null);

        int pid = hub.listenerBackendPid();
        assertThat(pid).isPositive();
        Backends.terminate(database, pid);
        jobs.start(id, 1); // committed while nobody here listens: its notification is lost

        await().atMost(Duration.ofSeconds(20)).until(() -> hub.listenerBackendPid() > 0 && hub.listenerBackendPid() != pid);
        // listening again: the job must be read again, not answered from before the loss
        Api.as(token).header("If-None-Match", queued).get("/api/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("RUNNING"));
    }

    private static UUID submit(String token) {
        return UUID.fromString(Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId"));
    }

    private static String etag(String token, UUID id) {
        return Api.as(token).get("/api/jobs/" + id).then().statusCode(200).extract().header("ETag");
    }
}
