package app.mealplanner.api.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Limits high enough that a test can create many jobs for one user. */
public class RelaxedLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("menu.limits.active-per-user", "1000", "menu.limits.per-hour", "1000");
    }
}
