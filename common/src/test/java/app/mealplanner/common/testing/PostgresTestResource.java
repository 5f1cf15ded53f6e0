package app.mealplanner.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import app.mealplanner.common.local.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a Quarkus test at a real embedded PostgreSQL. One database per test JVM, shared by every test
 * class (each app restart migrates it idempotently), stopped when the JVM exits.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedDatabase database;

    public static synchronized EmbeddedDatabase database() {
        if (database == null) {
            try {
                database = EmbeddedDatabase.startTemporary();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedDatabase started = database;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return database;
    }

    @Override
    public Map<String, String> start() {
        EmbeddedDatabase db = database();
        return Map.of(
                "quarkus.datasource.jdbc.url", db.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedDatabase.USER,
                "quarkus.datasource.password", EmbeddedDatabase.PASSWORD);
    }

    @Override
    public void stop() {
        // shared across test classes; closed by the shutdown hook
    }
}
