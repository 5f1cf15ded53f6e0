package app.mealplanner.common.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 started from the zonky binaries on Maven Central: for local runs (persistent data
 * directory, fixed port) and tests (throw-away directory, free port). Not shipped in the app images.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts on a free port with a fresh data directory that is removed on close. Its commits return before
     * they reach the disk (zonky's {@code synchronous_commit=off}): nothing in it outlives the process anyway.
     */
    public static EmbeddedDatabase startTemporary() throws IOException {
        return new EmbeddedDatabase(builder().setServerConfig("synchronous_commit", "off").start());
    }

    /**
     * Starts on {@code port} with {@code dataDirectory} kept between runs, durable like any production
     * database: a commit returns once it is on disk, so a crash keeps every user and menu it acknowledged.
     */
    public static EmbeddedDatabase startPersistent(int port, Path dataDirectory) throws IOException {
        return new EmbeddedDatabase(builder()
                .setServerConfig("synchronous_commit", "on")
                .setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .start());
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                // room for several app processes with their pools, LISTEN connections and JobRunr
                .setServerConfig("max_connections", "300")
                .setServerConfig("shared_buffers", "128MB")
                .setServerConfig("fsync", "on");
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
