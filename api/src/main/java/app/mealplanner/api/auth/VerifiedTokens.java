package app.mealplanner.api.auth;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
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
 * hit accepts exactly what a fresh check would. The tokens are held in a Caffeine cache of at most
 * {@code menu.auth.token-cache-size} entries (0: no cache) whose entries expire at their token's
 * {@code exp}; since the cache measures that time on its own ticker, a hit is still compared with
 * {@code exp} on this class's clock, so no token is accepted after it, whenever the cache gets round to
 * dropping it. Tokens checked against another context (SSE tickets) and every other method go straight
 * to smallrye-jwt.
 *
 * <p>Metrics: Caffeine's statistics as {@code cache.gets{cache="verified-tokens",result}},
 * {@code cache.evictions}, {@code cache.size} ({@code cache.puts} stays 0: Caffeine counts loads, and
 * tokens are put), and the hits and misses also as {@code menu.auth.token.cache{result}}, the name this
 * counter had before. A hit that the {@code exp} check turns away counts as a hit there; it can only
 * happen when the wall clock and the ticker disagree.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    private static final String CACHE_NAME = "verified-tokens";

    private final JWTParser delegate;
    private final Clock clock;
    private final Cache<String, JsonWebToken> verified; // null when the size is 0

    @Inject
    public VerifiedTokens(JWTAuthContextInfo context, MeterRegistry metrics,
            @ConfigProperty(name = "menu.auth.token-cache-size", defaultValue = "20000") int maxEntries) {
        this(new DefaultJWTParser(context), metrics, maxEntries, Clock.systemUTC(), Ticker.systemTicker());
    }

    /** {@code clock} decides whether a token has expired; {@code ticker} is the cache's own time. */
    VerifiedTokens(JWTParser delegate, MeterRegistry metrics, int maxEntries, Clock clock, Ticker ticker) {
        this.delegate = delegate;
        this.clock = clock;
        if (maxEntries <= 0) {
            this.verified = null;
            return;
        }
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                // an entry lives until its token's exp, as read on the clock; reads and re-puts do not extend it
                .expireAfter(Expiry.<String, JsonWebToken>writing((token, jwt) -> Duration.ofMillis(
                        TimeUnit.SECONDS.toMillis(jwt.getExpirationTime()) - clock.millis())))
                .ticker(ticker)
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(metrics, verified, CACHE_NAME);
        FunctionCounter.builder("menu.auth.token.cache", verified, c -> c.stats().hitCount())
                .tag("result", "hit").register(metrics);
        FunctionCounter.builder("menu.auth.token.cache", verified, c -> c.stats().missCount())
                .tag("result", "miss").register(metrics);
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (verified == null || token == null) {
            return delegate.parse(token);
        }
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null) {
            if (stillValid(known)) {
                return known;
            }
            verified.invalidate(token);
        }
        JsonWebToken checked = delegate.parse(token); // throws for anything invalid: nothing is remembered
        if (stillValid(checked)) {
            verified.put(token, checked);
        }
        return checked;
    }

    /** Number of remembered tokens, after dropping the expired ones and any above the size (tests and metrics). */
    public int size() {
        if (verified == null) {
            return 0;
        }
        verified.cleanUp();
        return (int) verified.estimatedSize();
    }

    private boolean stillValid(JsonWebToken token) {
        return Math.floorDiv(clock.millis(), 1000) < token.getExpirationTime();
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
