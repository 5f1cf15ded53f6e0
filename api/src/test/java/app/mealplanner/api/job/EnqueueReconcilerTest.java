package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.JobNotFoundException;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
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
        UUID id = submit();
        // the fault: the row committed, the JobRunr job never written (api crashed between the two)
        jobRunr.deletePermanently(id);
        assertThatThrownBy(() -> jobRunr.getJobById(id)).isInstanceOf(JobNotFoundException.class);
        age(id);

        assertThat(reconciler.reconcile()).contains(id);

        assertThat(jobRunr.getJobById(id).getState()).isEqualTo(StateName.ENQUEUED);
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void shouldLeaveAFreshJobAlone() {
        UUID id = submit();
        jobRunr.deletePermanently(id);
        // younger than a minute: its enqueue may still be on its way, so it is left alone
        assertThat(reconciler.reconcile()).doesNotContain(id);
        assertThatThrownBy(() -> jobRunr.getJobById(id)).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void shouldLeaveAnOldJobThatJobRunrAlreadyHasAlone() {
        UUID id = submit();
        // JobRunr has it, waiting for a retry in ten minutes: enqueueing it again would cut the wait short
        Job waiting = jobRunr.getJobById(id);
        waiting.scheduleAt(Instant.now().plus(Duration.ofMinutes(10)), "retry 1 of 3");
        int version = jobRunr.save(waiting).getVersion();
        age(id);

        assertThat(reconciler.reconcile()).doesNotContain(id);

        Job after = jobRunr.getJobById(id);
        assertThat(after.getState()).isEqualTo(StateName.SCHEDULED);
        assertThat(after.getVersion()).isEqualTo(version);
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void shouldFailARowWhoseJobRunrJobFailedWithoutTellingIt() {
        UUID id = submit();
        jobs.start(id, 1);
        Job job = jobRunr.getJobById(id);
        job.failed("Orphaned job", new IllegalStateException("the worker stopped"));
        jobRunr.save(job);

        // JobRunr's own state filter may still be writing for a few seconds: left alone
        reconciler.reconcile();
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobState.RUNNING);

        ageJobRunrJob(id);
        reconciler.reconcile();
        MenuJob failed = jobs.find(id).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobState.FAILED);
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(failed.toStatus().error().code()).isEqualTo("INTERNAL");
        assertThat(failed.toStatus().error().message()).isEqualTo("The menu could not be generated after every retry.");
    }

    @Test
    void shouldCancelARowWhoseJobRunrJobWasDeletedInTheDashboard() {
        UUID id = submit();
        Job job = jobRunr.getJobById(id);
        job.delete("deleted in the dashboard");
        jobRunr.save(job);
        ageJobRunrJob(id);

        reconciler.reconcile();

        MenuJob cancelled = jobs.find(id).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.finishedAt()).isNotNull();
        assertThat(cancelled.toStatus().error()).isNull();
    }

    private static UUID submit() {
        return UUID.fromString(Api.as(Api.newUserToken()).contentType(ContentType.JSON).body(Api.VALID_REQUEST)
                .post("/api/menus").then().statusCode(202).extract().path("jobId"));
    }

    /** As if JobRunr had written the job's last state a minute ago. */
    private void ageJobRunrJob(UUID id) {
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update jobrunr_jobs set updatedat = updatedat - interval '1 minute' where id = ?")) {
                ps.setString(1, id.toString());
                return ps.executeUpdate();
            }
        });
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
