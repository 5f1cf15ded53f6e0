package app.mealplanner.api.auth;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Remembers access tokens that passed the full check (RS256 signature, issuer, audience, expiry) until
 * they expire, so that a client polling with the same token pays the signature check once, not on every
 * request: the check was about half of the api's CPU for a status read (bench/results, status-reads).
 *
 * <p>Only the exact token string that verified is remembered, so a changed byte is a miss and goes
 * through the full check. An entry is used only before the token's {@code exp}; nothing else about a
 * token can change after it was issued (access tokens are stateless, there is no revocation list), so a
 * hit accepts exactly what a fresh check would. At most {@code menu.auth.token-cache-size} tokens are
 * kept; when full, expired entries are dropped first, and if that is not enough the cache starts over.
 * Tokens checked against another context (SSE tickets) and every other method go straight to
 * smallrye-jwt.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    private final Map<String, JsonWebToken> verified = new ConcurrentHashMap<>();
    private final JWTParser delegate;
    private final int maxEntries;
    private final Clock clock;
    private final Counter hits;
    private final Counter misses;

    @Inject
    public VerifiedTokens(JWTAuthContextInfo context, MeterRegistry metrics,
            @ConfigProperty(name = "menu.auth.token-cache-size", defaultValue = "20000") int maxEntries) {
        this(new DefaultJWTParser(context), metrics, maxEntries, Clock.systemUTC());
    }

    VerifiedTokens(JWTParser delegate, MeterRegistry metrics, int maxEntries, Clock clock) {
        this.delegate = delegate;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.hits = metrics.counter("menu.auth.token.cache", "result", "hit");
        this.misses = metrics.counter("menu.auth.token.cache", "result", "miss");
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (maxEntries > 0 && token != null) {
            JsonWebToken known = verified.get(token);
            if (known != null) {
                if (stillValid(known)) {
                    hits.increment();
                    return known;
                }
                verified.remove(token, known);
            }
        }
        misses.increment();
        JsonWebToken checked = delegate.parse(token); // throws for anything invalid: nothing is remembered
        if (maxEntries > 0 && stillValid(checked)) {
            if (verified.size() >= maxEntries) {
                makeRoom();
            }
            verified.put(token, checked);
        }
        return checked;
    }

    /** Number of remembered tokens (tests and metrics). */
    public int size() {
        return verified.size();
    }

    private boolean stillValid(JsonWebToken token) {
        return clock.instant().getEpochSecond() < token.getExpirationTime();
    }

    private void makeRoom() {
        for (Iterator<JsonWebToken> it = verified.values().iterator(); it.hasNext();) {
            if (!stillValid(it.next())) {
                it.remove();
            }
        }
        if (verified.size() >= maxEntries) {
            verified.clear();
        }
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return delegate.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return delegate.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return delegate.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return delegate.parseOnly(token);
    }
}
