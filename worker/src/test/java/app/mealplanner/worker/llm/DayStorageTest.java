package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.job.MenuJobRunner;
import app.mealplanner.worker.planner.CatalogPlanner;
import app.mealplanner.worker.support.FakeModelProfile;
import app.mealplanner.worker.support.FakeModels;
import app.mealplanner.worker.support.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Days are stored under the attempt that wrote them: JobRunr delivers a job at least once, and a second
 * attempt (after a worker died mid-menu) starts over without mixing in the first one's days, while a late
 * write of the first attempt is refused.
 */
@QuarkusTest
@TestProfile(FakeModelProfile.class)
class DayStorageTest {

    private static final String REQUEST = """
            {"days": 2, "meals": ["dinner"], "diet": "vegetarian"}
            """;

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobs jobs;
    @Inject
    MenuJobDays days;
    @Inject
    MenuJobRunner runner;
    @Inject
    Menus menus;
    @Inject
    CatalogPlanner catalog;

    @BeforeEach
    void reset() {
        FakeModels.primary().reset();
    }

    @Test
    void shouldNeverMixTheDaysOfTwoAttempts() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        // a first attempt stored day 1, then its worker died
        MenuJob first = jobs.start(job.id()).orElseThrow();
        Menu.Day day1 = catalog.plan(job.request(), 7).days().get(0);
        Menu.Day stale = new Menu.Day(1, day1.meals(), day1.totals(), Menu.SOURCE_LLM, "attempt-one-model");
        assertThat(days.store(job.id(), first.attempt(), stale, 60, new MenuJobDays.Tokens(100, 200))).isTrue();
        assertThat(jobs.find(job.id()).orElseThrow().daysReady()).isEqualTo(1);

        // the job is delivered again: JobRunr counts the orphaned attempt as failed and retries it as
        // attempt 2; the runner outside JobRunr takes the attempt after the last one, which is the same
        runner.run(new MenuJobRequest(job.id()));
        MenuJob done = testJobs.awaitFinal(job.id(), Duration.ofSeconds(60));
        assertThat(done.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.daysReady()).isEqualTo(2);
        Menu menu = menus.findOwned(done.menuId(), job.userId()).orElseThrow();
        assertThat(menu.days()).extracting(Menu.Day::model).containsOnly("gpt-4o-mini");
        assertThat(days.ofAttempt(job.id(), 1)).isEmpty();
        assertThat(days.ofAttempt(job.id(), 2)).extracting(Menu.Day::day).containsExactly(1, 2);

        // a late write of the first attempt stores nothing
        assertThat(days.store(job.id(), 1, stale, 60, MenuJobDays.Tokens.NONE)).isFalse();
        assertThat(days.ofAttempt(job.id(), 2)).extracting(Menu.Day::model).containsOnly("gpt-4o-mini");
        // the first attempt's tokens were spent all the same
        assertThat(days.tokens(job.id()).prompt()).isGreaterThan(100);
        assertThat(days.tokens(job.id()).completion()).isGreaterThan(200);
    }

    @Test
    void shouldStoreNoDayOnceTheJobIsCancelled() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        MenuJob running = jobs.start(job.id()).orElseThrow();
        assertThat(jobs.cancel(job.id())).isTrue();
        Menu.Day day1 = catalog.plan(job.request(), 7).days().get(0);
        assertThat(days.store(job.id(), running.attempt(), day1, 60, MenuJobDays.Tokens.NONE)).isFalse();
        assertThat(days.ofAttempt(job.id(), running.attempt())).isEqualTo(List.of());
    }

    @Test
    void shouldCountADayStoredAgainOnceAndAddItsTokens() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        MenuJob running = jobs.start(job.id()).orElseThrow();
        List<Menu.Day> planned = catalog.plan(job.request(), 7).days();
        assertThat(days.store(job.id(), running.attempt(), planned.get(0), 40, new MenuJobDays.Tokens(10, 20))).isTrue();
        // the same day again (the store replaces a day on its key): the count stays, the tokens add up
        assertThat(days.store(job.id(), running.attempt(), planned.get(0), 35, new MenuJobDays.Tokens(1, 2))).isTrue();
        MenuJob once = jobs.find(job.id()).orElseThrow();
        assertThat(once.daysReady()).isEqualTo(1);
        assertThat(once.progress()).isEqualTo(40);
        assertThat(days.store(job.id(), running.attempt(), planned.get(1), 60, MenuJobDays.Tokens.NONE)).isTrue();
        MenuJob twice = jobs.find(job.id()).orElseThrow();
        assertThat(twice.daysReady()).isEqualTo(2);
        assertThat(twice.progress()).isEqualTo(60);
        assertThat(days.ofAttempt(job.id(), running.attempt())).extracting(Menu.Day::day).containsExactly(1, 2);
        assertThat(days.tokens(job.id())).isEqualTo(new MenuJobDays.Tokens(11, 22));
    }
}
