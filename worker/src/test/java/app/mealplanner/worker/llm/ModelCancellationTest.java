package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.job.MenuJobRunner;
import app.mealplanner.worker.job.MenuJobStateSync;
import app.mealplanner.worker.job.MenuPlanning;
import app.mealplanner.worker.support.FakeModelProfile;
import app.mealplanner.worker.support.FakeModels;
import app.mealplanner.worker.support.TestJobs;
import app.mealplanner.worker.testing.FakeModelServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Cancelling a job while the model writes: an interrupt of the job's thread (what a cancellation or a
 * stopping worker does) closes every connection of the job at once, the outline's and the days' written in
 * parallel, stores nothing more and never becomes a catalog menu.
 */
@QuarkusTest
@TestProfile(FakeModelProfile.class)
class ModelCancellationTest {

    private static final String WEEKEND = """
            {"days": 3, "meals": ["lunch", "dinner"], "diet": "omnivore"}
            """;

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobs jobs;
    @Inject
    MenuJobDays days;
    @Inject
    MenuJobQueue queue;
    @Inject
    Menus menus;
    @Inject
    MenuPlanning planning;
    @Inject
    MeterRegistry metrics;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    MenuJobRunner runner;
    @Inject
    MenuJobStateSync stateSync;

    FakeModelServer model = FakeModels.primary();

    @BeforeEach
    void reset() {
        model.reset();
        breakers.resetAll();
    }

    @Test
    void shouldCloseEveryConnectionOfTheJobWithinASecondOfAnInterrupt() throws Exception {
        MenuJob job = jobs.start(testJobs.queued(WEEKEND).id()).orElseThrow();
        List<Menu.Day> stored = new CopyOnWriteArrayList<>();
        MenuPlanning.Progress progress = new MenuPlanning.Progress() {
            @Override
            public void report(Stage stage, int percent) {
            }

            @Override
            public void day(Menu.Day day, MenuJobDays.Tokens tokens) {
                stored.add(day);
            }
        };
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread jobThread = Thread.ofVirtual().start(() -> {
            try {
                outcome.set(planning.plan(job, progress));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        // the three days are being written at once
        await().atMost(Duration.ofSeconds(20)).until(() -> model.openStreams() >= 3);
        int open = model.openStreams();

        Instant interrupted = Instant.now();
        jobThread.interrupt();
        await().atMost(Duration.ofSeconds(5)).until(() -> model.openStreams() == 0);
        jobThread.join(Duration.ofSeconds(5));

        assertThat(model.closedByClient()).hasSize(open).allSatisfy(closed ->
                assertThat(Duration.between(interrupted, closed.at())).isLessThan(Duration.ofSeconds(1)));
        long slowest = model.closedByClient().stream()
                .mapToLong(c -> Duration.between(interrupted, c.at()).toMillis()).max().orElseThrow();
        System.out.printf("interrupt closed %d model connections in at most %d ms%n", open, slowest);
        assertThat(outcome.get()).isInstanceOf(ModelException.Interrupted.class);
        assertThat(stored).isEmpty();
        int callsAtInterrupt = (int) model.calls();
        // nothing is asked or stored afterwards (no retry, no catalog menu)
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> model.calls() == callsAtInterrupt && stored.isEmpty());
    }

    @Test
    void shouldStopACancelledJobsModelCallsAndStoreNothing() throws Exception {
        MenuJob job = testJobs.queued(WEEKEND);
        double cancelledBefore = cancelledCount();
        queue.enqueue(job.id(), job.request());
        await().atMost(Duration.ofSeconds(20)).until(() -> model.openStreams() >= 3);

        assertThat(jobs.cancel(job.id())).isTrue();
        queue.delete(job.id());

        // JobRunr interrupts the job's thread at its next heartbeat (poll 5 s); its connections close with it,
        // long before the days would be written
        await().atMost(Duration.ofSeconds(15)).until(() -> cancelledCount() > cancelledBefore);
        await().atMost(Duration.ofSeconds(2)).until(() -> model.openStreams() == 0);
        assertThat(jobs.find(job.id()).orElseThrow().status()).isEqualTo(JobState.CANCELLED);
        assertThat(menus.countForJob(job.id())).isZero();
        assertThat(days.ofAttempt(job.id(), 1)).isEmpty();
    }

    private double cancelledCount() {
        return outcomeCount("cancelled");
    }

    /** Runs the job as JobRunr would, but outside it: the runner takes the attempt after the row's last one. */
    private CompletableFuture<Void> runOutsideJobRunr(MenuJob job) {
        return CompletableFuture.runAsync(() -> {
            try {
                runner.run(new MenuJobRequest(job.id()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private double outcomeCount(String outcome) {
        return metrics.find("menu.jobs.outcome").tag("outcome", outcome).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    @Test
    void shouldStopAsSupersededWhenALaterAttemptTakesTheJobWhileTheModelWrites() throws Exception {
        MenuJob job = testJobs.queued("""
                {"days": 1, "meals": ["dinner"], "diet": "omnivore"}
                """);
        double cancelledBefore = cancelledCount();
        double supersededBefore = outcomeCount("superseded");

        // run outside JobRunr, the runner takes the attempt after the last one: 1
        CompletableFuture<Void> attempt1 = runOutsideJobRunr(job);
        await().atMost(Duration.ofSeconds(10)).until(() -> model.openStreams() > 0);
        // JobRunr gives the job to attempt 2 meanwhile (attempt 1 was declared lost): not a cancellation
        assertThat(jobs.start(job.id(), 2)).isPresent();

        attempt1.get(60, TimeUnit.SECONDS); // stops without an error: nothing for JobRunr to retry
        assertThat(outcomeCount("superseded")).isEqualTo(supersededBefore + 1);
        assertThat(cancelledCount()).isEqualTo(cancelledBefore);
        MenuJob now = jobs.find(job.id()).orElseThrow();
        assertThat(now.status()).isEqualTo(JobState.RUNNING);
        assertThat(now.attempt()).isEqualTo(2);
        assertThat(menus.countForJob(job.id())).isZero();
        assertThat(days.ofAttempt(job.id(), 1)).isEmpty();
    }

    @Test
    void shouldLetTheNextAttemptFinishWhenJobRunrsRetryOfTheLastOneArrivesLate() throws Exception {
        MenuJob job = testJobs.queued("""
                {"days": 1, "meals": ["dinner"], "diet": "omnivore"}
                """);
        jobs.start(job.id(), 1); // attempt 1 ran and failed; JobRunr's decision about it is not written yet
        double cancelledBefore = cancelledCount();

        // run outside JobRunr, the runner takes the attempt after the last one: 2
        CompletableFuture<Void> attempt2 = runOutsideJobRunr(job);
        await().atMost(Duration.ofSeconds(10)).until(() -> model.openStreams() > 0);
        assertThat(jobs.find(job.id()).orElseThrow().attempt()).isEqualTo(2);

        // while attempt 2 waits for the model, JobRunr's retry decision about attempt 1 arrives
        Job jobRunrJob = new Job(job.id(), new JobDetails(new MenuJobRequest(job.id())));
        jobRunrJob.failed("attempt 1 failed", new IllegalStateException("boom"));
        org.jobrunr.jobs.states.JobState failed = jobRunrJob.getJobState();
        jobRunrJob.scheduleAt(Instant.now().plusSeconds(3), "Retry 1 of 3");
        stateSync.onStateApplied(jobRunrJob, failed, jobRunrJob.getJobState());

        attempt2.get(60, TimeUnit.SECONDS);
        MenuJob done = jobs.find(job.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(menus.countForJob(job.id())).isEqualTo(1);
        assertThat(cancelledCount()).isEqualTo(cancelledBefore);
    }
}
