package app.mealplanner.deploy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A packaged app (api or worker) started as a real OS process, as in production. */
public final class AppProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int httpPort;
    private final Path log;

    private AppProcess(String name, Process process, int httpPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** The repository root, where {@code api/} and {@code worker/} were packaged by this build. */
    public static Path repoRoot() {
        String root = System.getProperty("repo.root");
        return Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
    }

    public static AppProcess start(String module, String name, int httpPort, Map<String, String> env)
            throws IOException {
        Path jar = repoRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first (./mvnw verify)");
        }
        Path logs = repoRoot().resolve("deploy/target/process-logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        return new AppProcess(name, builder.start(), httpPort, log);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public AppProcess awaitReady(Duration timeout) {
        await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    /** Waits for the process to end by itself; its exit code, or empty if it is still running. */
    public java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? java.util.OptionalInt.of(process.exitValue())
                : java.util.OptionalInt.empty();
    }

    /** SIGKILL: the process dies at once, as in a node failure or an OOM kill. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stops where it is, as on a stalled host, and keeps its connections open. */
    public void pause() {
        app.mealplanner.common.testing.Signals.stop(process.pid());
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        app.mealplanner.common.testing.Signals.resume(process.pid());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as Kubernetes does, then SIGKILL if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
