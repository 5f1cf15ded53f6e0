package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.planner.MenuValidator;
import app.mealplanner.worker.support.FakeModelProfile;
import app.mealplanner.worker.support.FakeModels;
import app.mealplanner.worker.support.TestJobs;
import app.mealplanner.worker.testing.FakeModelServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/** Model menus written day by day, end to end in the worker, against a fake provider writing at 60 tokens/s. */
@QuarkusTest
@TestProfile(FakeModelProfile.class)
class ModelMenuTest {

    private static final String REQUEST = """
            {"days": 3, "meals": ["lunch", "dinner"], "diet": "vegetarian", "allergies": ["peanuts"],
             "excludeIngredients": ["mushrooms"], "cuisines": ["italian"], "notes": "I love spicy food"}
            """;
    private static final Duration FINISHED = Duration.ofSeconds(60);

    @Inject
    TestJobs testJobs;
    @Inject
    MenuJobQueue queue;
    @Inject
    MenuJobs jobs;
    @Inject
    MenuJobDays days;
    @Inject
    Menus menus;
    @Inject
    MenuValidator validator;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    ParameterRules rules;
    @Inject
    ObjectMapper json;

    FakeModelServer model = FakeModels.primary();

    @BeforeEach
    void reset() {
        model.reset();
        breakers.resetAll();
        rules.reset();
    }

    @Test
    void shouldWriteTheMenuDayByDayAndStoreEachDayAsSoonAsItIsValid() throws Exception {
        MenuJob job = testJobs.queued(REQUEST);
        queue.enqueue(job.id());

        // a day is stored, and counted, while the job still runs
        MenuJob running = await().atMost(FINISHED).pollInterval(Duration.ofMillis(20))
                .until(() -> jobs.find(job.id()).orElseThrow(), j -> j.daysReady() >= 1 || j.status().isFinal());
        assertThat(running.status()).isEqualTo(JobState.RUNNING);
        assertThat(running.daysTotal()).isEqualTo(3);
        assertThat(days.ofAttempt(job.id(), 1)).isNotEmpty()
                .allSatisfy(d -> assertThat(d.source()).isEqualTo(Menu.SOURCE_LLM));

        Menu menu = succeeded(job);
        assertThat(menu.source()).isEqualTo(Menu.SOURCE_LLM);
        assertThat(menu.warnings()).isEmpty();
        assertThat(menu.days()).allSatisfy(d -> assertThat(d.model()).isEqualTo("gpt-4o-mini"));
        assertThat(menu.days()).allSatisfy(day -> assertThat(day.totals().calories())
                .isEqualTo(day.meals().stream().mapToInt(m -> m.recipe().nutrition().calories()).sum()));
        assertThat(jobs.find(job.id()).orElseThrow().daysReady()).isEqualTo(3);

        // one outline, then the three days written at the same time, not one after another
        List<FakeModelServer.Received> calls = model.requests();
        assertThat(calls).extracting(r -> r.call().task()).containsExactly("outline", "day", "day", "day");
        Instant firstDayStarted = calls.get(1).at();
        Instant lastDayStarted = calls.get(3).at();
        assertThat(Duration.between(firstDayStarted, lastDayStarted)).isLessThan(Duration.ofSeconds(3));

        // what was sent: streamed, structured, the free text only as data
        for (FakeModelServer.Received call : calls) {
            JsonNode body = call.body();
            assertThat(body.at("/stream").asBoolean()).isTrue();
            assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
            assertThat(body.at("/response_format/type").asText()).isEqualTo("json_schema");
            assertThat(body.at("/response_format/json_schema/strict").asBoolean()).isTrue();
            assertThat(body.has("max_tokens")).isTrue(); // a compatible server (127.0.0.1): max_tokens
            assertThat(call.headers().get("authorization")).isEqualTo("Bearer " + FakeModels.KEY);
            String system = body.at("/messages/0/content").asText();
            assertThat(system).contains("peanuts").doesNotContain("spicy").doesNotContain("mushrooms")
                    .doesNotContain("italian");
            JsonNode data = json.readTree(body.at("/messages/1/content").asText());
            assertThat(data.get("notes").asText()).isEqualTo("I love spicy food");
            assertThat(data.at("/request/excludeIngredients/0").asText()).isEqualTo("mushrooms");
        }
        // tokens: stored with the job (every call) and with the menu
        MenuJobDays.Tokens tokens = days.tokens(job.id());
        assertThat(tokens.completion()).isGreaterThan(3 * 2 * 150);
        assertThat(testJobs.tokens(job.id())).allSatisfy(t -> assertThat(t).isPositive());
    }

    private Menu succeeded(MenuJob job) {
        MenuJob done = testJobs.awaitFinal(job.id(), FINISHED);
        assertThat(done.status()).as("job %s: %s", job.id(), done.toStatus().error()).isEqualTo(JobState.SUCCEEDED);
        Menu menu = menus.findOwned(done.menuId(), job.userId()).orElseThrow();
        assertThat(validator.violations(job.request(), menu.days())).isEmpty();
        return menu;
    }
}
