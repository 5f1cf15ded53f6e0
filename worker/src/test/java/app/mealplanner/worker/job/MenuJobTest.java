package app.mealplanner.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.planner.MenuValidator;
import app.mealplanner.worker.support.TestJobs;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/** The menu job against embedded PostgreSQL and the real JobRunr server of this worker. */
@QuarkusTest
class MenuJobTest {

    private static final String REQUEST = """
            {"days": 2, "meals": ["breakfast", "lunch", "dinner", "snack"], "diet": "vegan",
             "allergies": ["peanuts", "soy"], "servings": 3}
            """;

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobs jobs;
    @Inject
    Menus menus;
    @Inject
    MenuJobQueue queue;
    @Inject
    MenuJobRunner runner;
    @Inject
    MenuValidator validator;
    @Inject
    MeterRegistry metrics;

    @Test
    void shouldReturnTheInsertedJobAsTheDatabaseStoredIt() throws Exception {
        // insert is a native INSERT … RETURNING: what it hands back must be the row, including the columns the
        // database fills (created_at, version, days_total) and the request as stored in JSONB
        MenuJob inserted = testJobs.queued(REQUEST, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        MenuJob stored = jobs.find(inserted.id()).orElseThrow();
        assertThat(inserted).isEqualTo(stored);
        assertThat(stored.status()).isEqualTo(JobState.QUEUED);
        assertThat(stored.daysTotal()).isEqualTo(2);
        assertThat(stored.version()).isPositive();
        assertThat(stored.createdAt()).isNotNull();
    }

    @Test
    void shouldReturnTheStartedJobAsTheDatabaseStoredIt() throws Exception {
        // start reads its UPDATE … RETURNING as typed columns by position: the record must be the row
        MenuJob queued = testJobs.queued(REQUEST, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        MenuJob started = jobs.start(queued.id(), 1).orElseThrow();

        assertThat(started).isEqualTo(jobs.find(queued.id()).orElseThrow());
        assertThat(started.status()).isEqualTo(JobState.RUNNING);
        assertThat(started.stage()).isEqualTo(Stage.PLANNING);
        assertThat(started.request()).isEqualTo(queued.request());
        assertThat(started.startedAt()).isAfterOrEqualTo(started.createdAt());
        assertThat(started.finishedAt()).isNull();
    }

    @Test
    void shouldKeepTheFirstMenuWhenAJobStoresOneTwice() throws Exception {
        MenuJob job = jobs.start(testJobs.queued(REQUEST).id(), 1).orElseThrow();
        Menu.Plan first = new Menu.Plan(Menu.SOURCE_CATALOG, null, java.util.List.of(), java.util.List.of(),
                java.util.List.of("first"));
        Menu.Plan second = new Menu.Plan(Menu.SOURCE_CATALOG, null, java.util.List.of(), java.util.List.of(),
                java.util.List.of("second"));

        java.util.UUID firstId = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> menus.store(job.id(), job.userId(), job.request(), first, Menus.Usage.NONE));
        java.util.UUID secondId = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> menus.store(job.id(), job.userId(), job.request(), second, Menus.Usage.NONE));

        assertThat(secondId).isEqualTo(firstId);
        Menu stored = menus.findOwned(firstId, job.userId()).orElseThrow();
        assertThat(stored.jobId()).isEqualTo(job.id());
        assertThat(stored.request()).isEqualTo(job.request());
        assertThat(stored.warnings()).containsExactly("first");
    }

    @Test
    void shouldRunAnEnqueuedJobThroughJobRunrToAStoredMenu() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        queue.enqueue(job.id(), job.request());

        MenuJob done = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> jobs.find(job.id()).orElseThrow(), j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.stage()).isEqualTo(Stage.DONE);
        assertThat(done.progress()).isEqualTo(100);
        assertThat(done.daysReady()).isEqualTo(2);
        assertThat(done.daysTotal()).isEqualTo(2);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.startedAt()).isNotNull();
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());

        Menu menu = menus.findOwned(done.menuId(), job.userId()).orElseThrow();
        assertThat(menu.jobId()).isEqualTo(job.id());
        assertThat(menu.source()).isEqualTo(Menu.SOURCE_CATALOG);
        assertThat(menu.request()).isEqualTo(job.request());
        assertThat(menu.days()).hasSize(2);
        assertThat(validator.violations(job.request(), menu.days())).isEmpty();
    }

    @Test
    void shouldStoreOneMenuWhenTheSameJobRunsTwice() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        MenuJobRequest request = new MenuJobRequest(job.id());

        // two deliveries at once (a stalled heartbeat), then a late third one
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> run(request));
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> run(request));
        CompletableFuture.allOf(first, second).join();
        runner.run(request);

        MenuJob done = jobs.find(job.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(menus.countForJob(job.id())).isEqualTo(1);
        assertThat(menus.findOwned(done.menuId(), job.userId())).isPresent();
    }

    @Test
    void shouldNotRunACancelledJob() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        assertThat(jobs.cancel(job.id())).isTrue();

        runner.run(new MenuJobRequest(job.id()));

        assertThat(jobs.find(job.id()).orElseThrow().status()).isEqualTo(JobState.CANCELLED);
        assertThat(menus.countForJob(job.id())).isZero();
    }

    @Test
    void shouldFailAnUnsatisfiableJobWithItsCodeAndNoRetry() throws Exception {
        // no snack in the catalog is keto and ready within 5 minutes without any of the nine allergens
        MenuJob job = testJobs.queued("""
                {"days": 1, "meals": ["dinner"], "diet": "keto", "maxPrepMinutes": 5,
                 "allergies": ["peanuts", "tree-nuts", "milk", "eggs", "fish", "shellfish", "soy", "wheat", "sesame"]}
                """);
        double failedBefore = failedJobs();
        queue.enqueue(job.id(), job.request());

        MenuJob done = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> jobs.find(job.id()).orElseThrow(), j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobState.FAILED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.toStatus().error().code()).isEqualTo("UNSATISFIABLE");
        assertThat(done.toStatus().error().message()).contains("dinner").contains("maxPrepMinutes");
        assertThat(menus.countForJob(job.id())).isZero();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(failedJobs()).isEqualTo(failedBefore + 1));
    }

    @Test
    void shouldCountAJobThatFailsEveryRetryAsFailed() throws Exception {
        // a row the planner cannot handle (no days: a bug, not a bad request) fails each attempt
        MenuJob job = testJobs.queued("""
                {"meals": ["dinner"], "diet": "vegan"}
                """);
        double failedBefore = failedJobs();
        queue.enqueue(job.id(), job.request());

        MenuJob done = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> jobs.find(job.id()).orElseThrow(), j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobState.FAILED);
        assertThat(done.attempt()).isEqualTo(2); // the test profile allows one retry
        assertThat(done.toStatus().error().code()).isEqualTo("INTERNAL");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(failedJobs()).isEqualTo(failedBefore + 1));
    }

    private double failedJobs() {
        return metrics.find("menu.jobs.outcome").tag("outcome", "failed").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private void run(MenuJobRequest request) {
        try {
            runner.run(request);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
