package app.mealplanner.api.auth;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.build.Jwt;

/**
 * Refuses to start when the token keys cannot be used, naming the file and the reason: otherwise the api
 * started, reported ready and answered 500 at the first login (smallrye-jwt reads the key only then, and
 * reports an unreadable file as "no protocol: /keys/private.pem"). Reads both PEM files, then signs a
 * token and checks it with the public key, so a key pair that does not match is caught too.
 */
@ApplicationScoped
public class SigningKeys {

    private final Optional<String> privateKey;
    private final Optional<String> publicKey;
    private final JWTAuthContextInfo verification;
    private final AuthConfig config;

    public SigningKeys(@ConfigProperty(name = "smallrye.jwt.sign.key.location") Optional<String> privateKey,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> publicKey,
            JWTAuthContextInfo verification, AuthConfig config) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.verification = verification;
        this.config = config;
    }

    void check(@Observes StartupEvent event) {
        readable("JWT_PRIVATE_KEY_LOCATION", "token signing key", privateKey);
        readable("JWT_PUBLIC_KEY_LOCATION", "token verification key", publicKey);
        String probe;
        try {
            probe = Jwt.issuer(config.issuer()).audience(AuthConfig.AUDIENCE).subject("start-up check")
                    .groups(Set.of()).expiresIn(60).sign();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot sign tokens with JWT_PRIVATE_KEY_LOCATION=" + privateKey.orElse("")
                    + ": " + e.getMessage() + " (expected a PKCS#8 RSA private key in PEM)", e);
        }
        try {
            new DefaultJWTParser(verification).parse(probe);
        } catch (Exception e) {
            throw new IllegalStateException("tokens signed with JWT_PRIVATE_KEY_LOCATION=" + privateKey.orElse("")
                    + " do not verify with JWT_PUBLIC_KEY_LOCATION=" + publicKey.orElse("") + " (" + e.getMessage()
                    + "): the two files must be one key pair", e);
        }
    }

    private static void readable(String variable, String what, Optional<String> location) {
        String value = location.orElseThrow(() -> new IllegalStateException(variable + " is not set: the api needs its "
                + what + " (a PEM file)"));
        if (value.contains(":") && !value.startsWith("file:")) {
            return; // classpath: or a URL; the signing check below reads it
        }
        Path file = Path.of(value.startsWith("file:") ? value.substring("file:".length()) : value);
        try {
            Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("cannot read the " + what + " " + variable + "=" + value + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalStateException("cannot read the " + what + " " + variable + "=" + value
                    + ": permission denied for the user the api runs as");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the " + what + " " + variable + "=" + value + ": "
                    + (Files.isDirectory(file) ? "it is a directory" : e.getMessage()));
        }
    }
}
