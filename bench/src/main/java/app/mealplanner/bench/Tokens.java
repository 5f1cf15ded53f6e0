package app.mealplanner.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Access tokens for benchmark users, signed with the api's own private key (the bench generates the key
 * pair it starts the api with). Same claims as {@code POST /api/auth/login} issues: iss, aud, sub = user
 * id, groups [user], iat, exp. Logging thousands of users in through the api would cost two bcrypt
 * hashes each (about 0.1 s of CPU per user), which is not what the scenarios measure.
 */
final class Tokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64.encodeToString(
            "{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final PrivateKey key;

    Tokens(Path privatePem) throws IOException, GeneralSecurityException {
        String pem = Files.readString(privatePem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    String issue(UUID userId) {
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"smart-meal-planner\",\"aud\":\"meal-planner-api\",\"sub\":\"" + userId
                + "\",\"groups\":[\"user\"],\"iat\":" + now + ",\"exp\":" + (now + 4 * 3600) + ",\"jti\":\""
                + UUID.randomUUID() + "\"}";
        String signingInput = HEADER + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tokens for all users, signed on every core. */
    List<String> issueAll(List<UUID> users) {
        int threads = Runtime.getRuntime().availableProcessors();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<List<String>>> parts = new ArrayList<>();
            int chunk = (users.size() + threads - 1) / threads;
            for (int from = 0; from < users.size(); from += chunk) {
                List<UUID> slice = users.subList(from, Math.min(users.size(), from + chunk));
                parts.add(pool.submit(() -> slice.stream().map(this::issue).toList()));
            }
            List<String> out = new ArrayList<>(users.size());
            for (Future<List<String>> f : parts) {
                out.addAll(f.get());
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
