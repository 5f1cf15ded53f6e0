package app.mealplanner.worker.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A model that takes seconds to answer, a generous timeout, and a pool of only five connections. */
public class SlowFakeModelProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                FakeModelProfile.FT + "timeout.value", "30",
                "quarkus.datasource.jdbc.max-size", "5",
                "quarkus.datasource.jdbc.acquisition-timeout", "10s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeModel.class));
    }
}
