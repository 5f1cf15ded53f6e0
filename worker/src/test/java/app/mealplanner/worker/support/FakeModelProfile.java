package app.mealplanner.worker.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The worker with a model configured (the fake one) and fault-tolerance limits shrunk for tests. */
public class FakeModelProfile implements QuarkusTestProfile {

    static final String FT = "quarkus.fault-tolerance.\"app.mealplanner.worker.llm.ModelClient/complete\".";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                FT + "timeout.value", "2",
                FT + "retry.max-retries", "2",
                FT + "retry.delay", "50",
                FT + "circuit-breaker.request-volume-threshold", "4",
                FT + "circuit-breaker.delay", "60000",
                "menu.model.retry-after-cap", "5s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeModel.class));
    }
}
