package app.mealplanner.deploy;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import app.mealplanner.common.local.EmbeddedDatabase;
import app.mealplanner.common.local.LocalSecrets;
import app.mealplanner.worker.testing.FakeModelServer;
import io.restassured.http.ContentType;

/**
 * The assembled system as real processes, started once for all of deploy's tests: embedded PostgreSQL,
 * a fake OpenAI-compatible model writing at 60 tokens per second (a day of three recipes takes about 10 s,
 * so jobs are observably in flight and days arrive one by one), the packaged
 * worker, two packaged api processes on the same database, a proxy in front of the first api that tests
 * can make fail, and the web client served from an allowed and from a refused origin.
 */
final class SystemUnderTest {

    private static SystemUnderTest instance;

    final EmbeddedDatabase database;
    final FakeModelServer model;
    final AppProcess worker;
    final AppProcess api;
    final AppProcess secondApi;
    final FaultyProxy proxy;
    final StaticSite allowedSite;
    final StaticSite refusedSite;
    final String dashboardPassword = LocalSecrets.newPassword();
    final int dashboardPort;
    /** The api's token signing key pair ({@code private.pem}, {@code public.pem}). */
    final Path keys;
    private final Map<String, String> apiEnv;

    private SystemUnderTest() throws Exception {
        database = EmbeddedDatabase.startTemporary();
        model = FakeModelServer.builder().start();
        Path site = AppProcess.repoRoot().resolve("api/src/main/resources/META-INF/resources");
        int apiPort = AppProcess.freePort();
        proxy = new FaultyProxy(AppProcess.freePort(), "http://localhost:" + apiPort);
        // both pages may use the api (directly or through the proxy); the api's CORS_ORIGINS lets only the first one in
        allowedSite = new StaticSite(AppProcess.freePort(), site, List.of("http://localhost:" + apiPort, proxy.origin()));
        refusedSite = new StaticSite(AppProcess.freePort(), site, List.of("http://localhost:" + apiPort));
        keys = Files.createTempDirectory("e2e-jwt");
        LocalSecrets.ensureRsaKeyPair(keys);

        Map<String, String> env = databaseEnv(database);

        Map<String, String> workerEnv = new HashMap<>(env);
        dashboardPort = AppProcess.freePort();
        workerEnv.put("MENU_DASHBOARD_PORT", String.valueOf(dashboardPort));
        workerEnv.put("DASHBOARD_USERNAME", "admin");
        workerEnv.put("DASHBOARD_PASSWORD", dashboardPassword);
        workerEnv.put("OPENAI_BASE_URL", "http://localhost:" + model.port() + "/v1");
        workerEnv.put("OPENAI_API_KEY", "sk-e2e-fake");

        apiEnv = new HashMap<>(env);
        apiEnv.put("JWT_PUBLIC_KEY_LOCATION", keys.resolve("public.pem").toString());
        apiEnv.put("JWT_PRIVATE_KEY_LOCATION", keys.resolve("private.pem").toString());
        apiEnv.put("CORS_ORIGINS", allowedSite.origin());
        // every test client registers from 127.0.0.1
        apiEnv.put("MENU_REGISTRATION_PER_ADDRESS", "1000000");

        // started together, as run.sh and Kubernetes do: all of them migrate the same fresh database
        worker = AppProcess.start("worker", "e2e-worker", AppProcess.freePort(), workerEnv);
        api = AppProcess.start("api", "e2e-api", apiPort, apiEnv);
        secondApi = AppProcess.start("api", "e2e-api-2", AppProcess.freePort(), apiEnv);
        try {
            worker.awaitReady(Duration.ofSeconds(90));
            api.awaitReady(Duration.ofSeconds(90));
            secondApi.awaitReady(Duration.ofSeconds(90));
        } catch (RuntimeException | Error notReady) {
            // no instance will exist to stop them later: the next test would start three more beside these
            stop();
            throw notReady;
        }
    }

    static synchronized SystemUnderTest get() throws Exception {
        if (instance == null) {
            instance = new SystemUnderTest();
            SystemUnderTest started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-system-under-test"));
        }
        return instance;
    }

    /** The environment of an extra worker process on this system's database, talking to {@code model}. */
    Map<String, String> workerEnv(FakeModelServer model) {
        return workerEnv(database, model);
    }

    /** The environment of a worker process (no dashboard) on {@code database}, talking to {@code model}. */
    static Map<String, String> workerEnv(EmbeddedDatabase database, FakeModelServer model) {
        Map<String, String> env = databaseEnv(database);
        env.put("MENU_DASHBOARD_ENABLED", "false");
        env.put("OPENAI_BASE_URL", "http://localhost:" + model.port() + "/v1");
        env.put("OPENAI_API_KEY", "sk-e2e-fake");
        return env;
    }

    /** The environment that points an app at {@code database}. */
    static Map<String, String> databaseEnv(EmbeddedDatabase database) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", EmbeddedDatabase.PASSWORD);
        return env;
    }

    /** The environment of an extra api process on this system's database, with the same signing keys. */
    Map<String, String> apiEnv() {
        return new HashMap<>(apiEnv);
    }

    /** Registers a new user through the first api and returns its access token. */
    String newUserToken() {
        return newUserToken(api);
    }

    /** Registers a new user through {@code api} and returns its access token. */
    static String newUserToken(AppProcess api) {
        String credentials = "{\"email\":\"e2e-" + UUID.randomUUID() + "@example.com\",\"password\":\"correct horse battery\"}";
        given().baseUri(api.baseUrl()).contentType(ContentType.JSON).body(credentials)
                .post("/api/auth/register").then().statusCode(201);
        return given().baseUri(api.baseUrl()).contentType(ContentType.JSON).body(credentials)
                .post("/api/auth/login").then().statusCode(200).extract().path("accessToken");
    }

    private void stop() {
        for (AppProcess p : new AppProcess[] {secondApi, api, worker}) {
            try {
                p.close();
            } catch (Exception ignored) {
                // best effort at JVM exit
            }
        }
        model.close();
        proxy.close();
        allowedSite.close();
        refusedSite.close();
        try {
            database.close();
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }
}
