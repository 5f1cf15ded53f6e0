package app.mealplanner.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.local.EmbeddedDatabase;
import app.mealplanner.common.local.LocalSecrets;
import app.mealplanner.worker.testing.FakeModelServer;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * PostgreSQL stops for 10 s while requests arrive. The api answers 503 problem+json quickly (no hang,
 * no 500), the worker pauses, both recover on their own when the database is back, every accepted job
 * completes, and the pools return to idle. Runs on its own database, api and worker.
 */
class DatabaseOutageTest {

    record Answer(Instant at, int status, String contentType, long millis, String jobId) {
    }

    @Test
    void shouldAnswer503DuringAnOutageAndLoseNoAcceptedJob() throws Exception {
        Path data = Files.createTempDirectory("outage-pg");
        int port = AppProcess.freePort();
        EmbeddedDatabase database = EmbeddedDatabase.startPersistent(port, data);
        Path keys = Files.createTempDirectory("outage-jwt");
        LocalSecrets.ensureRsaKeyPair(keys);
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", EmbeddedDatabase.PASSWORD);
        try (FakeModelServer model = FakeModelServer.builder().start()) {
            Map<String, String> workerEnv = new HashMap<>(env);
            workerEnv.put("MENU_DASHBOARD_ENABLED", "false");
            workerEnv.put("OPENAI_BASE_URL", "http://localhost:" + model.port() + "/v1");
            workerEnv.put("OPENAI_API_KEY", "sk-e2e-fake");
            Map<String, String> apiEnv = new HashMap<>(env);
            apiEnv.put("JWT_PUBLIC_KEY_LOCATION", keys.resolve("public.pem").toString());
            apiEnv.put("JWT_PRIVATE_KEY_LOCATION", keys.resolve("private.pem").toString());
            apiEnv.put("MENU_LIMITS_ACTIVE_PER_USER", "10000");
            apiEnv.put("MENU_LIMITS_PER_HOUR", "10000");
            apiEnv.put("MENU_RECONCILER_EVERY", "5s");
            apiEnv.put("MENU_RECONCILER_MIN_AGE", "10s");
            AppProcess worker = AppProcess.start("worker", "outage-worker", AppProcess.freePort(), workerEnv);
            AppProcess api = AppProcess.start("api", "outage-api", AppProcess.freePort(), apiEnv);
            try {
                worker.awaitReady(Duration.ofSeconds(90));
                api.awaitReady(Duration.ofSeconds(90));
                String credentials = "{\"email\":\"outage@example.com\",\"password\":\"correct horse battery\"}";
                given().baseUri(api.baseUrl()).contentType(ContentType.JSON).body(credentials).post("/api/auth/register")
                        .then().statusCode(201);
                String token = given().baseUri(api.baseUrl()).contentType(ContentType.JSON).body(credentials)
                        .post("/api/auth/login").then().statusCode(200).extract().path("accessToken");

                List<Answer> answers = new CopyOnWriteArrayList<>();
                AtomicBoolean loading = new AtomicBoolean(true);
                ExecutorService load = Executors.newFixedThreadPool(4);
                List<Future<?>> clients = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    clients.add(load.submit(() -> {
                        while (loading.get()) {
                            long t0 = System.nanoTime();
                            Response r = given().baseUri(api.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                                    .body("{\"days\": 1, \"meals\": [\"lunch\"], \"diet\": \"vegan\"}").post("/api/menus");
                            answers.add(new Answer(Instant.now(), r.statusCode(), r.contentType(),
                                    (System.nanoTime() - t0) / 1_000_000, r.statusCode() == 202 ? r.path("jobId") : null));
                            TimeUnit.MILLISECONDS.sleep(100); // a steady trickle of users, not a flood
                        }
                        return null;
                    }));
                }
                TimeUnit.SECONDS.sleep(3); // the fault schedule: 3 s of normal load before the outage
                database.close();
                Instant down = Instant.now();
                TimeUnit.SECONDS.sleep(10); // the outage
                Instant restarting = Instant.now();
                database = EmbeddedDatabase.startPersistent(port, data);
                Instant up = Instant.now();
                await("api accepts requests again").atMost(Duration.ofSeconds(60))
                        .until(() -> answers.stream().anyMatch(a -> a.at().isAfter(up) && a.status() == 202));
                TimeUnit.SECONDS.sleep(3); // and 3 s of load after recovery
                loading.set(false);
                for (Future<?> f : clients) {
                    f.get();
                }
                load.shutdown();

                List<Answer> during = answers.stream().filter(a -> a.at().minusMillis(a.millis()).isAfter(down)
                        && a.at().isBefore(restarting)).toList();
                assertThat(during).as("requests during the outage").isNotEmpty()
                        .allSatisfy(a -> assertThat(a.status()).isEqualTo(503));
                assertThat(answers).allSatisfy(a -> {
                    assertThat(a.status()).isIn(202, 503);
                    assertThat(a.millis()).as("no request hangs").isLessThan(10_000);
                    if (a.status() == 503) {
                        assertThat(a.contentType()).startsWith("application/problem+json");
                    }
                });
                Object[] acceptedIds = answers.stream().filter(a -> a.status() == 202).map(Answer::jobId).toArray();
                System.out.printf("outage: %d requests, %d accepted, %d answered 503, slowest %d ms%n", answers.size(),
                        acceptedIds.length, answers.stream().filter(a -> a.status() == 503).count(),
                        answers.stream().mapToLong(Answer::millis).max().orElse(0));
                try (Connection c = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER,
                        EmbeddedDatabase.PASSWORD)) {
                    await("every accepted job completes").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> succeeded(c, acceptedIds) == acceptedIds.length);
                }
                await("pools idle").atMost(Duration.ofSeconds(30)).until(() -> activeConnections(api) == 0
                        && activeConnections(worker) == 0);
                api.awaitReady(Duration.ofSeconds(10));
                worker.awaitReady(Duration.ofSeconds(10));
            } finally {
                api.close();
                worker.close();
                database.close();
            }
        }
    }

    private static int succeeded(Connection c, Object[] ids) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from menu_job where id = any(?) and status = 'SUCCEEDED'")) {
            ps.setArray(1, c.createArrayOf("uuid", java.util.Arrays.stream(ids).map(o -> java.util.UUID.fromString((String) o)).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static double activeConnections(AppProcess app) {
        String metrics = given().baseUri(app.baseUrl()).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("agroal_active_count"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
