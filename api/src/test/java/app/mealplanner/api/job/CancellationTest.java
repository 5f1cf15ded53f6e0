package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class CancellationTest {

    @Inject
    StorageProvider jobRunr;
    @Inject
    MenuJobs jobs;
    @Inject
    Menus menus;
    @Inject
    Database database;

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
    void shouldCancelARunningJobSoThatItsWorkerStoresNoMenu() throws Exception {
        String token = Api.newUserToken();
        UUID id = UUID.fromString(submit(token));
        MenuJob running = jobs.start(id, 1).orElseThrow(); // a worker picked it up

        Api.as(token).delete("/api/jobs/" + id).then().statusCode(202).body("status", equalTo("CANCELLED"));

        // the worker finishes planning afterwards: its store-and-succeed transaction must not commit
        boolean stored = database.transaction(c -> {
            UUID menuId = menus.store(c, id, running.userId(), running.request(),
                    new Menu.Plan(Menu.SOURCE_CATALOG, null, List.of(), List.of(), List.of()), Menus.Usage.NONE);
            if (!jobs.succeed(c, id, running.attempt(), menuId)) {
                c.rollback();
                return false;
            }
            return true;
        });
        assertThat(stored).isFalse();
        assertThat(menus.countForJob(id)).isZero();
        assertThat(jobs.progress(id, running.attempt(), app.mealplanner.common.job.Stage.PLANNING, 50)).isFalse();
        Api.as(token).get("/api/jobs/" + id).then().body("status", equalTo("CANCELLED"));
        submit(token);
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
