package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import jakarta.inject.Inject;

import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Cancelling through the api, which runs no worker here: a queued job never runs. A running job, stopped
 * by the real worker, is deploy's CancellationTest.
 */
@QuarkusTest
class CancellationTest {

    @Inject
    StorageProvider jobRunr;

    @Test
    void shouldCancelAQueuedJobSoThatItNeverRunsAndFreeTheSlot() {
        String token = Api.newUserToken();
        String id = submit(token);

        Api.as(token).delete("/api/jobs/" + id).then().statusCode(202)
                .body("status", equalTo("CANCELLED")).body("finishedAt", org.hamcrest.Matchers.notNullValue());
        assertThat(jobRunr.getJobById(UUID.fromString(id)).getState()).isEqualTo(StateName.DELETED);

        submit(token); // the active slot is free again
        Api.as(token).delete("/api/jobs/" + id).then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void shouldHideAnotherUsersJobFromCancellation() {
        String id = submit(Api.newUserToken());
        Api.as(Api.newUserToken()).delete("/api/jobs/" + id).then().statusCode(404);
    }

    private static String submit(String token) {
        return Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId");
    }
}
