package app.mealplanner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A small CPU profile of an app process during a measurement: Java Flight Recorder started and stopped
 * with jcmd, its execution samples read back and summed per component (the first frame of each stack,
 * from the top, that belongs to a known library or to our code) and per hottest method. JFR samples
 * running Java threads every 10 ms ("profile" settings); native and kernel time (socket writes, GC) is
 * not attributed. Off with BENCH_PROFILE=0.
 */
final class Profiler {

    static final boolean ENABLED = !"0".equals(System.getenv("BENCH_PROFILE"));

    /** Component name → package prefixes, checked in this order against each frame from the top. */
    private static final Map<String, List<String>> COMPONENTS = new LinkedHashMap<>();

    static {
        COMPONENTS.put("crypto (RSA signature check, SHA-256)", List.of("sun.security.rsa", "java.math.BigInteger",
                "sun.security.provider", "sun.security.util", "java.security", "org.jose4j.jws"));
        COMPONENTS.put("JWT parsing and claims (jose4j, SmallRye JWT)", List.of("org.jose4j", "io.smallrye.jwt"));
        COMPONENTS.put("bcrypt", List.of("org.wildfly.security.password", "io.quarkus.elytron"));
        COMPONENTS.put("PostgreSQL JDBC driver", List.of("org.postgresql"));
        COMPONENTS.put("connection pool (Agroal)", List.of("io.agroal"));
        COMPONENTS.put("JobRunr", List.of("org.jobrunr"));
        COMPONENTS.put("JSON (Jackson)", List.of("com.fasterxml.jackson"));
        COMPONENTS.put("logging", List.of("org.jboss.logmanager", "org.jboss.logging"));
        COMPONENTS.put("metrics (Micrometer)", List.of("io.micrometer"));
        COMPONENTS.put("tracing (OpenTelemetry)", List.of("io.opentelemetry", "io.quarkus.opentelemetry"));
        COMPONENTS.put("fault tolerance (SmallRye)", List.of("io.smallrye.faulttolerance"));
        COMPONENTS.put("REST client", List.of("org.jboss.resteasy.reactive.client", "io.quarkus.rest.client"));
        COMPONENTS.put("REST server (RESTEasy Reactive)", List.of("org.jboss.resteasy.reactive", "io.quarkus.resteasy"));
        COMPONENTS.put("security (Quarkus)", List.of("io.quarkus.security", "io.quarkus.vertx.http.runtime.security",
                "io.quarkus.smallrye.jwt"));
        COMPONENTS.put("validation (Hibernate Validator)", List.of("org.hibernate.validator", "jakarta.validation"));
        // after the validator: its package is inside org.hibernate
        COMPONENTS.put("Hibernate ORM and Panache", List.of("org.hibernate", "io.quarkus.hibernate",
                "io.quarkus.panache"));
        COMPONENTS.put("transactions (Narayana JTA)", List.of("com.arjuna", "io.narayana", "io.quarkus.narayana",
                "org.jboss.tm"));
        COMPONENTS.put("CDI (ArC)", List.of("io.quarkus.arc"));
        COMPONENTS.put("our code", List.of("app.mealplanner"));
        COMPONENTS.put("HTTP server and client (Vert.x, Netty)", List.of("io.vertx", "io.netty", "io.quarkus.vertx"));
        COMPONENTS.put("JDK (collections, strings, regex, …)", List.of("java.", "jdk.", "sun."));
    }

    private final App app;
    private final Path file;
    private boolean started;

    private Profiler(App app, Path file) {
        this.app = app;
        this.file = file;
    }

    static Profiler start(App app, String label) {
        Path dir = app.log.getParent().resolve("jfr");
        Profiler p = new Profiler(app, dir.resolve(app.name + "-" + label + ".jfr"));
        if (!ENABLED) {
            return p;
        }
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(p.file);
            jcmd(app, "JFR.start", "name=bench", "settings=profile");
            p.started = true;
        } catch (Exception e) {
            Scenario.log("profiler: could not start JFR in %s: %s", app.name, e);
        }
        return p;
    }

    /** Stops the recording and summarises it as markdown (empty when profiling is off or failed). */
    String stop(String title) {
        if (!started) {
            return "";
        }
        try {
            jcmd(app, "JFR.stop", "name=bench", "filename=" + file);
            return summary(title, file);
        } catch (Exception e) {
            return "(profile of " + app.name + " unavailable: " + e.getMessage() + ")\n";
        }
    }

    private static void jcmd(App app, String... args) throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        List<String> command = new java.util.ArrayList<>(List.of(jcmd.toString(), String.valueOf(app.pid())));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", args) + " failed");
        }
    }

    static String summary(String title, Path file) throws IOException {
        Map<String, Integer> components = new HashMap<>();
        Map<String, Integer> methods = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            total++;
            RecordedFrame top = frames.get(0);
            methods.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
            components.merge(component(frames), 1, Integer::sum);
        }
        if (total == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("**").append(title).append("** (JFR, ").append(total).append(" samples of running Java code; a "
                + "sample counts for the first frame from the top that belongs to a known component):\n\n");
        sb.append("| component | share of samples |\n|---|---|\n");
        int t = total;
        components.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(10)
                .forEach(en -> sb.append("| ").append(en.getKey()).append(" | ")
                        .append(String.format("%.0f %%", 100.0 * en.getValue() / t)).append(" |\n"));
        sb.append("\nHottest methods (self): ");
        sb.append(String.join(", ", methods.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(6)
                .map(en -> "`" + shorten(en.getKey()) + "` " + String.format("%.0f %%", 100.0 * en.getValue() / t))
                .toList()));
        return sb.append(".\n").toString();
    }

    private static String component(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            for (Map.Entry<String, List<String>> c : COMPONENTS.entrySet()) {
                if (c.getKey().startsWith("JDK")) {
                    continue; // JDK frames only count when nothing else is on the stack
                }
                for (String prefix : c.getValue()) {
                    if (type.startsWith(prefix)) {
                        return c.getKey();
                    }
                }
            }
        }
        return "JDK (collections, strings, regex, …)";
    }

    private static String shorten(String method) {
        String[] parts = method.split("\\.");
        if (parts.length <= 3) {
            return method;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length - 2; i++) {
            sb.append(parts[i].charAt(0)).append('.');
        }
        return sb.append(parts[parts.length - 2]).append('.').append(parts[parts.length - 1]).toString();
    }
}
