package app.mealplanner.worker.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The fake model and a pool of only five database connections; the model's time limits as in production,
 * since fifty jobs start at once on a machine that may be busy.
 */
public class PoolOfFiveProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new FakeModelProfile().getConfigOverrides());
        config.put("quarkus.datasource.jdbc.max-size", "5");
        config.put("quarkus.datasource.jdbc.acquisition-timeout", "10s");
        config.put("menu.model.first-token-timeout", "30s");
        config.put("menu.model.idle-timeout", "20s");
        return config;
    }
}
