package app.mealplanner.api.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import app.mealplanner.common.local.LocalSecrets;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A fresh RS256 key pair for the test run, written where smallrye-jwt reads it. */
public class JwtKeysTestResource implements QuarkusTestResourceLifecycleManager {

    private static Path dir;

    public static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("jwt-test");
                LocalSecrets.ensureRsaKeyPair(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    @Override
    public Map<String, String> start() {
        return Map.of(
                "mp.jwt.verify.publickey.location", dir().resolve("public.pem").toString(),
                "smallrye.jwt.sign.key.location", dir().resolve("private.pem").toString());
    }

    @Override
    public void stop() {
        // kept for the JVM's lifetime; the files are tiny and in a temp directory
    }
}
