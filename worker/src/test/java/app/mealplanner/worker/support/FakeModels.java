package app.mealplanner.worker.support;

import app.mealplanner.worker.testing.FakeModelServer;

/**
 * The fake model APIs of this test JVM, started once and shared by the test classes (their profiles point
 * the worker at them): a first provider and, for failover, a second one. Both write at a realistic speed.
 */
public final class FakeModels {

    public static final String KEY = "sk-test-not-a-real-key";
    private static FakeModelServer primary;
    private static FakeModelServer secondary;

    private FakeModels() {
    }

    public static synchronized FakeModelServer primary() {
        if (primary == null) {
            primary = FakeModelServer.builder().start();
        }
        return primary;
    }

    public static synchronized FakeModelServer secondary() {
        if (secondary == null) {
            secondary = FakeModelServer.builder().start();
        }
        return secondary;
    }
}
