package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.support.FakeModels;
import app.mealplanner.worker.support.PoolOfFiveProfile;
import app.mealplanner.worker.support.TestJobs;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** No database connection is held while the model writes: fifty model jobs at once on a pool of five. */
@QuarkusTest
@TestProfile(PoolOfFiveProfile.class)
class PoolOfFiveTest {

    private static final String REQUEST = """
            {"days": 1, "meals": ["dinner"], "diet": "omnivore"}
            """;

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobQueue queue;
    @Inject
    Menus menus;
    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void reset() {
        FakeModels.primary().reset();
    }

    @Test
    void shouldRunFiftyModelJobsAtOnceOnFiveConnections() throws Exception {
        List<MenuJob> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(testJobs.queued(REQUEST));
        }
        assertThat(dataSource.getConfiguration().connectionPoolConfiguration().maxSize()).isEqualTo(5);

        Instant start = Instant.now();
        batch.forEach(job -> queue.enqueue(job.id(), job.request()));
        for (MenuJob job : batch) {
            MenuJob done = testJobs.awaitFinal(job.id(), Duration.ofSeconds(90));
            assertThat(done.status()).as(job.id().toString()).isEqualTo(JobState.SUCCEEDED);
            assertThat(menus.findOwned(done.menuId(), job.userId()).orElseThrow().source()).isEqualTo("llm");
        }
        Duration took = Duration.between(start, Instant.now());
        // concurrently, not one after another: each job is an outline and a day at 60 tokens/s (about 5 s)
        assertThat(took).isLessThan(Duration.ofSeconds(60));
        assertThat(FakeModels.primary().calls()).isEqualTo(100);
        System.out.printf("50 model jobs on 5 connections took %d ms%n", took.toMillis());
    }
}
