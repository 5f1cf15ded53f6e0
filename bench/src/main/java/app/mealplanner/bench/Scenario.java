package app.mealplanner.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One benchmark scenario: starts its own stack, measures, returns the report; stops everything on close. */
abstract class Scenario {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOST = "127.0.0.1";
    /** A small request: the catalog plans it in about a millisecond. */
    static final String SMALL_MENU = "{\"days\":1,\"meals\":[\"dinner\"],\"diet\":\"omnivore\"}";

    /**
     * Scales every warm-up and measurement duration (BENCH_SCALE, default 1; 0.3 for a quick smoke run
     * whose numbers mean little).
     */
    static final double SCALE = Double.parseDouble(System.getenv().getOrDefault("BENCH_SCALE", "1"));

    protected volatile Stack stack;

    abstract Report run(Path repo) throws Exception;

    static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * SCALE * 1000));
    }

    void closeQuietly() {
        Stack s = stack;
        if (s != null) {
            s.close();
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[bench %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    }

    // ------------------------------------------------------------------------------------------
    // api calls made once (not under load): the JDK client is fine here

    /** POST /api/menus for one user; the job id. */
    static UUID submit(App api, String token, String body) throws Exception {
        HttpConnection.Response r = once(api, HttpConnection.postJson(HOST + ":" + api.port, "/api/menus", token, body));
        if (r.status() != 202) {
            throw new IllegalStateException("POST /api/menus answered " + r.status() + ": " + r.text());
        }
        return UUID.fromString(JSON.readTree(r.body()).get("jobId").asText());
    }

    static HttpConnection.Response once(App api, byte[] request) throws Exception {
        try (HttpConnection c = new HttpConnection(HOST, api.port)) {
            c.connect();
            return c.exchange(request);
        }
    }

    static JsonNode json(HttpConnection.Response r) throws Exception {
        return JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------
    // database helpers

    static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Waits until no job is QUEUED or RUNNING: a warm-up's jobs have drained, so that measured jobs do not
     * queue behind them. Fails after {@code max} rather than measuring behind a backlog.
     */
    static void awaitNoActiveJobs(Stack stack, Duration max) throws Exception {
        try (Connection c = stack.jdbc()) {
            long until = System.nanoTime() + max.toNanos();
            while (count(c, "select count(*) from menu_job where status in ('QUEUED', 'RUNNING')") > 0) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("the warm-up's jobs did not drain within " + max
                            + "; measured jobs would queue behind them");
                }
                Thread.sleep(200); // a row count in another process: nothing to be notified of, so poll it
            }
        }
    }

    static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    static String envTable(Map<String, String> env) {
        StringBuilder sb = new StringBuilder();
        env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> !e.getKey().contains("PASSWORD") && !e.getKey().contains("KEY_LOCATION"))
                .forEach(e -> sb.append("`").append(e.getKey()).append('=').append(e.getValue()).append("` "));
        return sb.toString().trim();
    }

    static String latencyRow(String label, Load.Result r) {
        return "| " + label + " | " + r.connections() + " | " + Report.num(r.rate()) + " | " + Report.ms(r.p(50))
                + " | " + Report.ms(r.p(99)) + " | " + Report.ms(r.p(99.9)) + " | " + Report.ms(r.maxMillis())
                + " | " + r.ok() + " | " + (r.failed() - r.late()) + (r.late() > 0 ? " (+" + r.late() + " late)" : "")
                + " |";
    }

    static final String LATENCY_HEADER = "| run | connections | req/s | p50 | p99 | p99.9 | max | ok | errors |\n"
            + "|---|---|---|---|---|---|---|---|---|";
}
