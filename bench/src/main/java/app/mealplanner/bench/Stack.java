package app.mealplanner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import app.mealplanner.common.local.EmbeddedDatabase;
import app.mealplanner.common.local.LocalSecrets;
import app.mealplanner.worker.testing.FakeModelServer;

/**
 * Everything one scenario measures, started by the bench itself: a throw-away embedded PostgreSQL 17, a
 * JWT key pair, optionally the fake model, and api/worker processes. {@link #close()} stops all of it
 * (also from the JVM shutdown hook on Ctrl-C or failure).
 */
final class Stack implements AutoCloseable {

    /** Heap of every app process (the SSE target is stated for a 1 GiB api heap). */
    static final List<String> JVM = List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError");

    final Path repo;
    final EmbeddedDatabase database;
    final Path keys;
    final Tokens tokens;
    private final List<App> apps = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();
    private volatile boolean closed;

    private Stack(Path repo, EmbeddedDatabase database, Path keys, Tokens tokens) {
        this.repo = repo;
        this.database = database;
        this.keys = keys;
        this.tokens = tokens;
    }

    static Stack start(Path repo) throws Exception {
        EmbeddedDatabase db = EmbeddedDatabase.startTemporary();
        CpuMeter.postgresPort = db.port();
        try {
            Path keys = Files.createTempDirectory("bench-jwt");
            LocalSecrets.ensureRsaKeyPair(keys);
            return new Stack(repo, db, keys, new Tokens(keys.resolve("private.pem")));
        } catch (Exception e) {
            db.close();
            throw e;
        }
    }

    Map<String, String> databaseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", EmbeddedDatabase.PASSWORD);
        return env;
    }

    /** The api environment: limits raised so that load is not refused (one job per user anyway). */
    Map<String, String> apiEnv() {
        Map<String, String> env = databaseEnv();
        env.put("JWT_PUBLIC_KEY_LOCATION", keys.resolve("public.pem").toString());
        env.put("JWT_PRIVATE_KEY_LOCATION", keys.resolve("private.pem").toString());
        env.put("CORS_ORIGINS", "http://localhost:3000");
        env.put("MENU_LIMITS_ACTIVE_PER_USER", "100000");
        env.put("MENU_LIMITS_PER_HOUR", "100000");
        // the load generator registers every simulated user from 127.0.0.1
        env.put("MENU_REGISTRATION_PER_ADDRESS", "100000000");
        return env;
    }

    Map<String, String> workerEnv(String name) {
        Map<String, String> env = databaseEnv();
        env.put("MENU_DASHBOARD_ENABLED", "false");
        env.put("MENU_WORKER_NAME", name);
        // the bench stops workers between runs; jobs still running then are of no interest
        env.put("MENU_WORKER_DRAIN_TIME", "1s");
        return env;
    }

    App startApi(String name, Map<String, String> extraEnv) throws IOException {
        Map<String, String> env = apiEnv();
        env.putAll(extraEnv);
        return track(App.start(repo, "api", name, JVM, env));
    }

    App startWorker(String name, Map<String, String> extraEnv) throws IOException {
        Map<String, String> env = workerEnv(name);
        env.putAll(extraEnv);
        return track(App.start(repo, "worker", name, JVM, env));
    }

    FakeModelServer startModel(Duration latency) throws IOException {
        FakeModelServer model = new FakeModelServer(0, latency);
        synchronized (this) {
            others.add(model);
        }
        return model;
    }

    static Map<String, String> modelEnv(FakeModelServer model) {
        Map<String, String> env = new HashMap<>();
        env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + model.port() + "/v1");
        env.put("OPENAI_API_KEY", "sk-bench-fake");
        return env;
    }

    static void awaitReady(App... apps) throws InterruptedException {
        for (App a : apps) {
            a.awaitReady(Duration.ofSeconds(120));
        }
    }

    private synchronized App track(App app) {
        apps.add(app);
        return app;
    }

    synchronized void stop(App app) {
        app.close();
        apps.remove(app);
    }

    synchronized List<App> apps() {
        return List.copyOf(apps);
    }

    Connection jdbc() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }

    /** Creates {@code n} users straight in app_user (password login impossible: the hash is not bcrypt). */
    List<UUID> seedUsers(String prefix, int n) throws SQLException {
        List<UUID> ids = new ArrayList<>(n);
        try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement("insert into app_user (id, email, "
                + "password_hash, display_name) select gen_random_uuid(), ? || i || '@bench.invalid', '!', 'bench' "
                + "from generate_series(1, ?) i returning id")) {
            ps.setString(1, prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "-");
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    /** Version and the settings that matter for write benchmarks, as the server reports them. */
    String describeDatabase() {
        try (Connection c = jdbc(); java.sql.Statement st = c.createStatement()) {
            StringBuilder sb = new StringBuilder();
            try (ResultSet rs = st.executeQuery("select split_part(version(), ' ', 2)")) {
                rs.next();
                sb.append("PostgreSQL ").append(rs.getString(1)).append(" (embedded, zonky binaries, data under /tmp)");
            }
            for (String setting : List.of("fsync", "synchronous_commit", "shared_buffers", "max_connections")) {
                try (ResultSet rs = st.executeQuery("show " + setting)) {
                    rs.next();
                    sb.append(", ").append(setting).append('=').append(rs.getString(1));
                }
            }
            return sb.toString();
        } catch (SQLException e) {
            return "PostgreSQL (embedded; settings unavailable: " + e.getMessage() + ")";
        }
    }

    /** {@code n} users with access tokens. */
    Population population(String prefix, int n) throws SQLException {
        List<UUID> ids = seedUsers(prefix, n);
        return new Population(ids, tokens.issueAll(ids));
    }

    /** Tops {@code users} up so that at least {@code needed} are unused (outside any measurement). */
    void ensureUnused(Population users, String prefix, int needed) throws SQLException {
        int missing = needed - users.remaining();
        if (missing > 0) {
            List<UUID> ids = seedUsers(prefix, missing);
            users.add(ids, tokens.issueAll(ids));
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<App> running = new ArrayList<>(apps);
        java.util.Collections.reverse(running);
        // stop the processes in parallel: each may take a few seconds to drain
        List<Thread> stoppers = new ArrayList<>();
        for (App a : running) {
            stoppers.add(Thread.ofPlatform().start(a::close));
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        apps.clear();
        for (AutoCloseable o : others) {
            try {
                o.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        try {
            database.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
