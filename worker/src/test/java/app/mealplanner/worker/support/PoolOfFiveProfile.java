package app.mealplanner.worker.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The fake model and a pool of only five database connections. */
public class PoolOfFiveProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new FakeModelProfile().getConfigOverrides());
        config.put("quarkus.datasource.jdbc.max-size", "5");
        config.put("quarkus.datasource.jdbc.acquisition-timeout", "10s");
        return config;
    }
}
