package app.mealplanner.worker.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Two providers: the first fake and, for when it is unavailable, the second. */
public class FailoverProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new FakeModelProfile().getConfigOverrides());
        config.put("menu.model.secondary.base-url", FakeModels.secondary().baseUrl());
        config.put("menu.model.secondary.name", "second-model");
        config.put(FakeModelProfile.FT + "retry.max-retries", "1");
        return config;
    }
}
