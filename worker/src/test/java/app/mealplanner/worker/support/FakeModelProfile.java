package app.mealplanner.worker.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The worker with a model configured (the fake one, writing at 60 tokens per second) and the waits of
 * fault tolerance shrunk so that retries show within a test: short retry delays, a silence limit of 3 s.
 */
public class FakeModelProfile implements QuarkusTestProfile {

    public static final String FT = "quarkus.fault-tolerance.\"app.mealplanner.worker.llm.ModelClient/complete\".";
    public static final String FT2 = "quarkus.fault-tolerance.\"app.mealplanner.worker.llm.FallbackModelClient/complete\".";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("menu.model.base-url", FakeModels.primary().baseUrl());
        config.put("menu.model.api-key", FakeModels.KEY);
        config.put(FT + "retry.max-retries", "2");
        config.put(FT + "retry.delay", "50");
        config.put(FT + "circuit-breaker.delay", "60000");
        config.put(FT2 + "retry.delay", "50");
        config.put("menu.model.retry-after-cap", "5s");
        config.put("menu.model.first-token-timeout", "5s");
        config.put("menu.model.idle-timeout", "3s");
        return config;
    }
}
