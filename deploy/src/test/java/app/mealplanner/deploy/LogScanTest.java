package app.mealplanner.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last in the build: reads every log the suite produced (the app processes started by deploy's
 * tests and the captured output of every module's tests) and finds no password, token or key in them.
 */
@Order(Integer.MAX_VALUE)
class LogScanTest {

    /** Secrets the suite uses, and the shapes of secrets in general. */
    private static final List<Pattern> SECRETS = List.of(
            Pattern.compile("correct horse battery"),
            Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}"), // a JWT
            Pattern.compile("Bearer [A-Za-z0-9._-]{20,}"),
            Pattern.compile("sk-(test|e2e)-[a-z-]+"), // the fake model API keys
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            Pattern.compile("password\\s*[=:]\\s*\\S{6,}", Pattern.CASE_INSENSITIVE));

    @Test
    void shouldFindNoPasswordTokenOrKeyInAnyLog() throws IOException {
        Path root = AppProcess.repoRoot();
        List<Path> logs = new ArrayList<>();
        for (String dir : List.of("deploy/target/process-logs", "common/target/surefire-reports",
                "worker/target/surefire-reports", "api/target/surefire-reports", "deploy/target/surefire-reports")) {
            Path d = root.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith("-output.txt"))
                            .forEach(logs::add);
                }
            }
        }
        assertThat(logs).as("logs to scan").isNotEmpty();
        assertThat(logs).anySatisfy(p -> assertThat(p.toString()).contains("process-logs"));
        List<String> leaks = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            List<String> content = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            lines += content.size();
            for (int i = 0; i < content.size(); i++) {
                for (Pattern secret : SECRETS) {
                    if (secret.matcher(content.get(i)).find()) {
                        leaks.add(root.relativize(log) + ":" + (i + 1) + " matches " + secret.pattern());
                    }
                }
            }
        }
        System.out.printf("scanned %d log files, %d lines%n", logs.size(), lines);
        assertThat(leaks).isEmpty();
    }
}
