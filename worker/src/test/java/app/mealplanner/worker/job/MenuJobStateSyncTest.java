package app.mealplanner.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jobrunr.JobRunrException;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.jobrunr.jobs.exceptions.IllegalJobThreadStateException;
import org.jobrunr.jobs.states.JobState;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import app.mealplanner.worker.support.TestJobs;
import io.quarkus.test.junit.QuarkusTest;

/**
 * JobRunr's decisions reaching {@code menu_job} through {@link MenuJobStateSync}, with JobRunr's own job
 * objects and the real table: each decision moves the attempt it is about, and only that one.
 */
@QuarkusTest
class MenuJobStateSyncTest {

    private static final String REQUEST = """
            {"days": 1, "meals": ["dinner"], "diet": "omnivore"}
            """;

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobs jobs;
    @Inject
    MenuJobStateSync sync;

    @Test
    void shouldQueueAFailedAttemptForItsRetry() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        jobs.start(job.id(), 1);
        Instant retryAt = Instant.now().plus(Duration.ofSeconds(3)).truncatedTo(ChronoUnit.MILLIS);

        applyRetry(jobRunrJob(job.id(), 1), retryAt);

        MenuJob queued = jobs.find(job.id()).orElseThrow();
        assertThat(queued.status()).isEqualTo(app.mealplanner.common.job.JobState.QUEUED);
        assertThat(queued.stage()).isEqualTo(Stage.QUEUED);
        assertThat(queued.attempt()).isEqualTo(1);
        assertThat(queued.nextAttemptAt()).isEqualTo(retryAt);
    }

    @Test
    void shouldStartTheRetryKeepingWhenTheJobFirstStartedAndClearingTheLastAttemptsError() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        MenuJob first = jobs.start(job.id(), 1).orElseThrow();
        jobs.recordError(job.id(), 1, "MODEL_UNAVAILABLE", "the model did not answer");
        applyRetry(jobRunrJob(job.id(), 1), Instant.now().plus(Duration.ofSeconds(3)));

        MenuJob second = jobs.start(job.id(), 2).orElseThrow();

        // started_at is the pick-up of the job, not of its latest attempt (the pickup metric reads it)
        assertThat(second.startedAt()).isEqualTo(first.startedAt());
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.status()).isEqualTo(app.mealplanner.common.job.JobState.RUNNING);
        assertThat(second.stage()).isEqualTo(Stage.PLANNING);
        assertThat(second.errorCode()).isNull();
        assertThat(second.nextAttemptAt()).isNull();
        assertThat(jobs.find(job.id()).orElseThrow()).isEqualTo(second);
    }

    @Test
    void shouldFailAJobAfterItsLastAttemptKeepingTheErrorThatAttemptRecorded() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        jobs.start(job.id(), 3);
        jobs.recordError(job.id(), 3, "MODEL_UNAVAILABLE", "The model did not answer.");

        applyFailure(jobRunrJob(job.id(), 3));

        MenuJob failed = jobs.find(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(app.mealplanner.common.job.JobState.FAILED);
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(failed.toStatus().error().code()).isEqualTo("MODEL_UNAVAILABLE");
    }

    @Test
    void shouldFailAJobWhoseLastAttemptsWorkerDiedAsWorkerLost() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        jobs.start(job.id(), 1);
        jobs.recordError(job.id(), 1, "MODEL_UNAVAILABLE", "The model did not answer.");
        // attempt 2 was picked up by a worker that died before it could even start it

        applyFailure(jobRunrJob(job.id(), 2, new IllegalJobThreadStateException("too long in PROCESSING")));

        MenuJob failed = jobs.find(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(app.mealplanner.common.job.JobState.FAILED);
        assertThat(failed.attempt()).isEqualTo(2);
        // attempt 1's error is not attempt 2's
        assertThat(failed.toStatus().error().code()).isEqualTo("WORKER_LOST");
    }

    @Test
    void shouldNotEndAJobWhoseFailureJobRunrStillRetriesWhenTheFilterSeesTheFailureFirst() throws Exception {
        MenuJob retried = testJobs.queued(REQUEST);
        MenuJob refused = testJobs.queued(REQUEST);
        jobs.start(retried.id(), 1);
        jobs.start(refused.id(), 1);

        // attempt 1 of 2 (the test profile allows one retry) failed; the retry is not scheduled yet
        applyFailure(jobRunrJob(retried.id(), 1));
        // a failure JobRunr must not retry (MenuJobRunner.giveUp) ends the job at once
        applyFailure(jobRunrJob(refused.id(), 1, new JobRunrException("MODEL_AUTH: refused", true)));

        assertThat(jobs.find(retried.id()).orElseThrow().status())
                .isEqualTo(app.mealplanner.common.job.JobState.RUNNING);
        assertThat(jobs.find(refused.id()).orElseThrow().status())
                .isEqualTo(app.mealplanner.common.job.JobState.FAILED);
        // the retry's own decision then queues it, and attempt 2 may start
        applyRetry(jobRunrJob(retried.id(), 1), Instant.now().plusSeconds(1));
        assertThat(jobs.find(retried.id()).orElseThrow().status())
                .isEqualTo(app.mealplanner.common.job.JobState.QUEUED);
        assertThat(jobs.start(retried.id(), 2)).isPresent();
    }

    @Test
    void shouldCancelADeletedJob() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        jobs.start(job.id(), 1);
        Job deleted = new Job(job.id(), new JobDetails(new MenuJobRequest(job.id())));
        JobState before = deleted.getJobState();
        deleted.delete("deleted in the dashboard");

        sync.onStateApplied(deleted, before, deleted.getJobState());

        assertThat(jobs.find(job.id()).orElseThrow().status()).isEqualTo(app.mealplanner.common.job.JobState.CANCELLED);
    }

    @Test
    void shouldLeaveTheNextAttemptAloneWhenALateDecisionAboutTheLastOneArrives() throws Exception {
        MenuJob retried = testJobs.queued(REQUEST);
        MenuJob failedForGood = testJobs.queued(REQUEST);
        for (MenuJob job : new MenuJob[] {retried, failedForGood}) {
            jobs.start(job.id(), 1);
            jobs.start(job.id(), 2); // attempt 1 failed; JobRunr already runs attempt 2
        }

        // JobRunr's decisions about attempt 1 are written only now (a slow filter, a stalled thread)
        applyRetry(jobRunrJob(retried.id(), 1), Instant.now().plusSeconds(3));
        applyFailure(jobRunrJob(failedForGood.id(), 1));

        for (MenuJob job : new MenuJob[] {retried, failedForGood}) {
            MenuJob now = jobs.find(job.id()).orElseThrow();
            assertThat(now.status()).isEqualTo(app.mealplanner.common.job.JobState.RUNNING);
            assertThat(now.attempt()).isEqualTo(2);
            assertThat(now.nextAttemptAt()).isNull();
            // attempt 2 carries on and may finish
            assertThat(jobs.progress(job.id(), 2, Stage.VALIDATING, 80)).isTrue();
        }
        // and the steps of a stale attempt move nothing
        assertThat(jobs.progress(retried.id(), 1, Stage.SAVING, 95)).isFalse();
        assertThat(jobs.start(retried.id(), 2)).isEmpty();
        assertThat(jobs.start(retried.id(), 1)).isEmpty();
    }

    /**
     * The job as JobRunr holds it after {@code attempts} attempts, each ended by a FAILED state in its
     * history, the last one by {@code lastFailure}.
     */
    private static Job jobRunrJob(UUID id, int attempts, Exception lastFailure) {
        Job job = new Job(id, new JobDetails(new MenuJobRequest(id)));
        for (int i = 1; i <= attempts; i++) {
            if (i > 1) {
                job.enqueue();
            }
            job.failed("attempt " + i + " failed", i == attempts ? lastFailure : new IllegalStateException("boom"));
        }
        return job;
    }

    private static Job jobRunrJob(UUID id, int attempts) {
        return jobRunrJob(id, attempts, new IllegalStateException("boom"));
    }

    /** JobRunr's RetryFilter turning the last failure into a retry: FAILED then SCHEDULED in one save. */
    private void applyRetry(Job job, Instant at) {
        JobState before = job.getJobState(-2);
        JobState failed = job.getJobState();
        job.scheduleAt(at, "Retry");
        sync.onStateApplied(job, before, failed);
        sync.onStateApplied(job, failed, job.getJobState());
    }

    /** JobRunr giving up after the last failure. */
    private void applyFailure(Job job) {
        sync.onStateApplied(job, job.getJobState(-2), job.getJobState());
    }
}
