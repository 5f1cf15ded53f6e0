package app.mealplanner.api.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

public class ThreeActiveJobs implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("menu.limits.active-per-user", "3");
    }
}
