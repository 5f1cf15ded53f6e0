package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.JobNotFoundException;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class EnqueueReconcilerTest {

    @Inject
    EnqueueReconciler reconciler;
    @Inject
    Database database;
    @Inject
    MenuJobs jobs;
    @Inject
    StorageProvider jobRunr;

    @Test
    void shouldEnqueueAnAcceptedJobWhoseEnqueueWasLost() {
        String token = Api.newUserToken();
        UUID id = UUID.fromString(Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST)
                .post("/api/menus").then().statusCode(202).extract().path("jobId"));
        // the fault: the row committed, the JobRunr job never written (api crashed between the two)
        jobRunr.deletePermanently(id);
        assertThatThrownBy(() -> jobRunr.getJobById(id)).isInstanceOf(JobNotFoundException.class);
        age(id);

        reconciler.reconcile();

        assertThat(jobRunr.getJobById(id).getState()).isEqualTo(StateName.ENQUEUED);
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void shouldLeaveFreshAndAlreadyEnqueuedJobsAlone() {
        String token = Api.newUserToken();
        UUID id = UUID.fromString(Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST)
                .post("/api/menus").then().statusCode(202).extract().path("jobId"));
        jobRunr.deletePermanently(id);
        // younger than a minute: its enqueue may still be on its way, so it is left alone
        reconciler.reconcile();
        assertThatThrownBy(() -> jobRunr.getJobById(id)).isInstanceOf(JobNotFoundException.class);
    }

    private void age(UUID id) {
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update menu_job set created_at = now() - interval '2 minutes' where id = ?")) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
    }
}
