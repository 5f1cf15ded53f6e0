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
    app.mealplanner.common.job.MenuJobDays days;
    @Inject
    Menus menus;
    @Inject
    app.mealplanner.common.db.Database database;
    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;
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
    void shouldKeepTheFirstMenuWhenAJobSucceedsTwice() throws Exception {
        MenuJob job = jobs.start(testJobs.queued(REQUEST).id(), 1).orElseThrow();
        Menu.Plan first = new Menu.Plan(Menu.SOURCE_CATALOG, null, java.util.List.of(), java.util.List.of(),
                java.util.List.of("first"));
        Menu.Plan second = new Menu.Plan(Menu.SOURCE_CATALOG, null, java.util.List.of(), java.util.List.of(),
                java.util.List.of("second"));

        java.util.UUID firstId = succeed(job, first).orElseThrow();
        // the job is SUCCEEDED now: a late run of the same attempt writes nothing
        assertThat(succeed(job, second)).isEmpty();
        // a job RUNNING with its menu stored: no redelivery makes this state (the start refuses a job that
        // succeeded), so it is made by hand here; the menu's key still keeps the first menu
        database.run(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                return st.executeUpdate("update menu_job set status = 'RUNNING', menu_id = null where id = '" + job.id()
                        + "'");
            }
        });
        assertThat(succeed(job, second)).contains(firstId);

        MenuJob done = jobs.find(job.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.menuId()).isEqualTo(firstId);
        assertThat(menus.countForJob(job.id())).isEqualTo(1);
        Menu stored = menus.findOwned(firstId, job.userId()).orElseThrow();
        assertThat(stored.jobId()).isEqualTo(job.id());
        assertThat(stored.request()).isEqualTo(job.request());
        assertThat(stored.warnings()).containsExactly("first");
    }

    @Test
    void shouldStoreNoMenuForAJobThatIsNoLongerRunningInTheAttempt() throws Exception {
        MenuJob job = jobs.start(testJobs.queued(REQUEST).id(), 1).orElseThrow();
        Menu.Plan plan = new Menu.Plan(Menu.SOURCE_CATALOG, null, java.util.List.of(), java.util.List.of(),
                java.util.List.of());
        MenuJob later = jobs.start(job.id(), 2).orElseThrow();

        assertThat(succeed(job, plan)).isEmpty(); // attempt 1 is over: attempt 2 runs
        assertThat(menus.countForJob(job.id())).isZero();
        assertThat(jobs.cancel(job.id())).isTrue();
        assertThat(succeed(later, plan)).isEmpty();
        assertThat(menus.countForJob(job.id())).isZero();
        assertThat(jobs.find(job.id()).orElseThrow().status()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void shouldCommitNoStageWhenTheJobsEndFindsTheRowMovedOn() throws Exception {
        MenuJob job = jobs.start(testJobs.queued(REQUEST).id(), 1).orElseThrow();
        long version = jobs.find(job.id()).orElseThrow().version();

        // the end's work finds the row moved on: the saving stage written before it in the transaction goes too
        JobProgress progress = new JobProgress(job, jobs, days);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> progress.finishWith(Stage.SAVING, 95, java.util.Optional::empty))
                .isInstanceOf(MenuJobRunner.Stopped.class);
        MenuJob unchanged = jobs.find(job.id()).orElseThrow();
        assertThat(unchanged.stage()).isEqualTo(Stage.PLANNING);
        assertThat(unchanged.version()).isEqualTo(version);

        // cancelled before the end: no stage, and the work does not run
        assertThat(jobs.cancel(job.id())).isTrue();
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new JobProgress(job, jobs, days).finishWith(Stage.SAVING, 95, () -> {
                    ran.set(true);
                    return java.util.Optional.of("stored");
                })).isInstanceOf(MenuJobRunner.Stopped.class);
        assertThat(ran).isFalse();
        MenuJob cancelled = jobs.find(job.id()).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.stage()).isEqualTo(Stage.PLANNING);
        assertThat(cancelled.version()).isEqualTo(version + 1); // the cancellation, nothing after it
    }

    private java.util.Optional<java.util.UUID> succeed(MenuJob job, Menu.Plan plan) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> jobs.succeed(job.id(), job.attempt(),
                        MenuJobs.MenuToStore.of(job.request(), plan, Menus.Usage.NONE)));
    }

    @Test
    void shouldTellSubscribersEveryStageInOrderWithSavingCommittedWithTheMenu() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        java.util.List<com.fasterxml.jackson.databind.JsonNode> events =
                new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        app.mealplanner.common.db.PgListener listener = new app.mealplanner.common.db.PgListener("menu_job_events",
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class), payload -> {
                    try {
                        com.fasterxml.jackson.databind.JsonNode event = json.readTree(payload);
                        if (event.get("id").asText().equals(job.id().toString())) {
                            events.add(event);
                        }
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, listening::countDown).start();
        try {
            assertThat(listening.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            runner.run(new MenuJobRequest(job.id()));

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.stream().anyMatch(e -> e.get("status").asText().equals("SUCCEEDED")));
        } finally {
            listener.close();
        }
        // saving is written in the menu's transaction, yet it reaches subscribers as its own event, before done
        assertThat(events).extracting(e -> e.get("stage").asText()).containsExactly("planning", "saving", "done");
        assertThat(events).extracting(e -> e.get("version").asLong()).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(1).get("status").asText()).isEqualTo("RUNNING");
        assertThat(events.get(1).get("progress").asInt()).isEqualTo(95);
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
