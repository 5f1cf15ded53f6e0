package app.mealplanner.api.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A 2 s idle timeout (75 s in production) and heartbeats every 500 ms, so a test can watch both. */
public class ShortIdleTimeout implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.idle-timeout", "2s", "menu.events.heartbeat", "500ms");
    }
}
