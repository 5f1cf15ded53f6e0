package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.support.FailoverProfile;
import app.mealplanner.worker.support.FakeModels;
import app.mealplanner.worker.support.TestJobs;
import app.mealplanner.worker.testing.FakeFault;
import app.mealplanner.worker.testing.FakeModelServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/** A second provider takes over when the first is down or out of quota, before anyone falls back to the catalog. */
@QuarkusTest
@TestProfile(FailoverProfile.class)
class FailoverTest {

    private static final String REQUEST = """
            {"days": 2, "meals": ["dinner"], "diet": "pescatarian", "allergies": ["shellfish"]}
            """;

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobQueue queue;
    @Inject
    Menus menus;
    @Inject
    CircuitBreakerMaintenance breakers;

    FakeModelServer first = FakeModels.primary();
    FakeModelServer second = FakeModels.secondary();

    @BeforeEach
    void reset() {
        first.reset();
        second.reset();
        breakers.resetAll();
    }

    @Test
    void shouldAskTheSecondProviderWhileTheFirstIsDown() throws Exception {
        first.down(503);
        Menu menu = succeeded();
        assertThat(menu.source()).isEqualTo(Menu.SOURCE_LLM);
        assertThat(menu.model()).isEqualTo("second-model");
        assertThat(menu.days()).allSatisfy(d -> assertThat(d.model()).isEqualTo("second-model"));
        assertThat(first.calls()).isPositive();
        assertThat(second.requests()).extracting(r -> r.call().task()).containsExactly("outline", "day", "day");
    }

    @Test
    void shouldAskTheSecondProviderWhenTheFirstsQuotaIsUsedUp() throws Exception {
        first.on(FakeModelServer.anyCall(), new FakeFault.QuotaExhausted(), 100);
        Menu menu = succeeded();
        assertThat(menu.source()).isEqualTo(Menu.SOURCE_LLM);
        assertThat(menu.model()).isEqualTo("second-model");
    }

    @Test
    void shouldRecordWhichModelWroteEachDay() throws Exception {
        // the first provider writes the outline and day 1, then goes down for day 2
        first.on(FakeModelServer.dayCalls(2), new FakeFault.ServerError(503), 100);
        Menu menu = succeeded();
        assertThat(menu.days().get(0).model()).isEqualTo("gpt-4o-mini");
        assertThat(menu.days().get(1).model()).isEqualTo("second-model");
    }

    private Menu succeeded() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        queue.enqueue(job.id(), job.request());
        MenuJob done = testJobs.awaitFinal(job.id(), Duration.ofSeconds(60));
        assertThat(done.status()).as("%s", done.toStatus().error()).isEqualTo(JobState.SUCCEEDED);
        return menus.findOwned(done.menuId(), job.userId()).orElseThrow();
    }
}
