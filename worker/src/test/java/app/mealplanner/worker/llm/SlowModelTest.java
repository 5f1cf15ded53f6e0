package app.mealplanner.worker.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.job.MenuJobRunner;
import app.mealplanner.worker.job.MenuJobStateSync;
import app.mealplanner.worker.planner.CatalogPlanner;
import app.mealplanner.worker.support.FakeModel;
import app.mealplanner.worker.support.SlowFakeModelProfile;
import app.mealplanner.worker.support.TestJobs;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/** A model that takes seconds: no connection is held while waiting, and cancellation interrupts the call. */
@QuarkusTest
@TestProfile(SlowFakeModelProfile.class)
class SlowModelTest {

    private static final String REQUEST = """
            {"days": 1, "meals": ["dinner"], "diet": "omnivore"}
            """;

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobs jobs;
    @Inject
    MenuJobQueue queue;
    @Inject
    Menus menus;
    @Inject
    CatalogPlanner catalogPlanner;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    MeterRegistry metrics;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    MenuJobRunner runner;
    @Inject
    MenuJobStateSync stateSync;

    WireMockServer model = FakeModel.server();

    @BeforeEach
    void reset() {
        model.resetAll();
        breakers.resetAll();
    }

    @Test
    void shouldRunFiftyModelJobsAtOnceOnFiveConnections() throws Exception {
        List<MenuJob> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(testJobs.queued(REQUEST));
        }
        model.stubFor(post("/v1/chat/completions").willReturn(okJson(FakeModel.completion(
                catalogPlanner.plan(batch.get(0).request(), 1).days())).withFixedDelay(5000)));
        assertThat(dataSource.getConfiguration().connectionPoolConfiguration().maxSize()).isEqualTo(5);

        Instant start = Instant.now();
        batch.forEach(job -> queue.enqueue(job.id()));
        for (MenuJob job : batch) {
            MenuJob done = testJobs.awaitFinal(job.id(), Duration.ofSeconds(60));
            assertThat(done.status()).as(job.id().toString()).isEqualTo(JobState.SUCCEEDED);
            assertThat(menus.findOwned(done.menuId(), job.userId()).orElseThrow().source()).isEqualTo("llm");
        }
        Duration took = Duration.between(start, Instant.now());
        // concurrently, not one after another: 50 sequential calls would take 250 s
        assertThat(took).isLessThan(Duration.ofSeconds(40));
        assertThat(model.getAllServeEvents()).hasSize(50);
    }

    @Test
    void shouldInterruptTheModelCallOfACancelledJobAndStoreNoMenu() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        model.stubFor(post("/v1/chat/completions").willReturn(okJson(FakeModel.completion(
                catalogPlanner.plan(job.request(), 1).days())).withFixedDelay(25_000)));
        double cancelledBefore = cancelledCount();

        queue.enqueue(job.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> !model.getAllServeEvents().isEmpty()
                || model.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/chat/completions"))).size() > 0);
        Instant cancelledAt = Instant.now();
        assertThat(jobs.cancel(job.id())).isTrue();
        queue.delete(job.id());

        // the row's cancellation notification interrupts the job's thread at once (JobRunr would at its
        // next heartbeat), long before the fake model would answer (25 s)
        await().atMost(Duration.ofSeconds(15)).until(() -> cancelledCount() > cancelledBefore);
        assertThat(Duration.between(cancelledAt, Instant.now())).isLessThan(Duration.ofSeconds(15));
        assertThat(jobs.find(job.id()).orElseThrow().status()).isEqualTo(JobState.CANCELLED);
        assertThat(menus.countForJob(job.id())).isZero();
    }

    @Test
    void shouldLetTheNextAttemptFinishWhenJobRunrsRetryOfTheLastOneArrivesLate() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        model.stubFor(post("/v1/chat/completions").willReturn(okJson(FakeModel.completion(
                catalogPlanner.plan(job.request(), 1).days())).withFixedDelay(3_000)));
        jobs.start(job.id(), 1); // attempt 1 ran and failed; JobRunr's decision about it is not written yet
        double cancelledBefore = cancelledCount();

        // run outside JobRunr, the runner takes the attempt after the last one: 2
        CompletableFuture<Void> attempt2 = CompletableFuture.runAsync(() -> {
            try {
                runner.run(new MenuJobRequest(job.id()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> model.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/chat/completions"))).size() > 0);
        assertThat(jobs.find(job.id()).orElseThrow().attempt()).isEqualTo(2);

        // while attempt 2 waits for the model, JobRunr's retry decision about attempt 1 arrives
        Job jobRunrJob = new Job(job.id(), new JobDetails(new MenuJobRequest(job.id())));
        jobRunrJob.failed("attempt 1 failed", new IllegalStateException("boom"));
        org.jobrunr.jobs.states.JobState failed = jobRunrJob.getJobState();
        jobRunrJob.scheduleAt(Instant.now().plusSeconds(3), "Retry 1 of 3");
        stateSync.onStateApplied(jobRunrJob, failed, jobRunrJob.getJobState());

        attempt2.get(30, TimeUnit.SECONDS);
        MenuJob done = jobs.find(job.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(menus.countForJob(job.id())).isEqualTo(1);
        assertThat(cancelledCount()).isEqualTo(cancelledBefore);
    }

    private double cancelledCount() {
        var counter = metrics.find("menu.jobs.outcome").tag("outcome", "cancelled").counter();
        return counter == null ? 0 : counter.count();
    }
}
