package app.mealplanner.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/** The cache in front of the signature check: what it remembers, for how long, and what it never does. */
class VerifiedTokensTest {

    private static final long NOW = 1_800_000_000L;

    private final AtomicInteger checks = new AtomicInteger();
    private final Map<String, Long> valid = new HashMap<>(); // token -> exp
    private final MutableClock clock = new MutableClock(NOW);

    private final JWTParser checker = (JWTParser) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] { JWTParser.class }, (proxy, method, args) -> {
                if (!method.getName().equals("parse") || args.length != 1) {
                    throw new UnsupportedOperationException(method.getName());
                }
                checks.incrementAndGet();
                Long exp = valid.get((String) args[0]);
                if (exp == null || exp <= clock.instant().getEpochSecond()) {
                    throw new ParseException("invalid or expired");
                }
                return token((String) args[0], exp);
            });

    @Test
    void shouldCheckAValidTokenOnceAndReturnTheSamePrincipalUntilItExpires() throws Exception {
        valid.put("a", NOW + 60);
        VerifiedTokens tokens = new VerifiedTokens(checker, new SimpleMeterRegistry(), 100, clock, clock::nanos);

        JsonWebToken first = tokens.parse("a");
        clock.seconds = NOW + 59;
        assertThat(tokens.parse("a")).isSameAs(first);
        assertThat(checks).hasValue(1);

        clock.seconds = NOW + 60; // expired: the cache does not answer, the full check refuses it
        assertThatThrownBy(() -> tokens.parse("a")).isInstanceOf(ParseException.class);
        assertThat(checks).hasValue(2);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void shouldRefuseATokenPastItsExpEvenWhileTheCacheStillHoldsIt() throws Exception {
        valid.put("a", NOW + 60);
        AtomicLong cacheTime = new AtomicLong(); // the cache's ticker stands still: it never drops the entry
        VerifiedTokens tokens = new VerifiedTokens(checker, new SimpleMeterRegistry(), 100, clock, cacheTime::get);
        tokens.parse("a");
        clock.seconds = NOW + 60;
        assertThatThrownBy(() -> tokens.parse("a")).isInstanceOf(ParseException.class);
        assertThat(checks).hasValue(2);
    }

    @Test
    void shouldNeverRememberARefusedToken() {
        VerifiedTokens tokens = new VerifiedTokens(checker, new SimpleMeterRegistry(), 100, clock, clock::nanos);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> tokens.parse("forged")).isInstanceOf(ParseException.class);
        }
        assertThat(checks).hasValue(3);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void shouldTreatAnyOtherStringAsAnotherToken() throws Exception {
        valid.put("a", NOW + 60);
        VerifiedTokens tokens = new VerifiedTokens(checker, new SimpleMeterRegistry(), 100, clock, clock::nanos);
        tokens.parse("a");
        assertThatThrownBy(() -> tokens.parse("a ")).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> tokens.parse("A")).isInstanceOf(ParseException.class);
        assertThat(checks).hasValue(3);
    }

    @Test
    void shouldStayWithinItsSizeDroppingExpiredTokensFirst() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(checker, new SimpleMeterRegistry(), 10, clock, clock::nanos);
        for (int i = 0; i < 10; i++) {
            valid.put("short-" + i, NOW + 5);
            tokens.parse("short-" + i);
        }
        valid.put("long", NOW + 3600);
        clock.seconds = NOW + 10; // the ten short ones have expired
        tokens.parse("long");
        assertThat(tokens.size()).isEqualTo(1);

        for (int i = 0; i < 100; i++) {
            valid.put("many-" + i, NOW + 3600);
            tokens.parse("many-" + i);
            assertThat(tokens.size()).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void shouldKeepATokenInUseWhileManyOthersComeAndGo() throws Exception {
        valid.put("in-use", NOW + 3600);
        VerifiedTokens tokens = new VerifiedTokens(checker, new SimpleMeterRegistry(), 10, clock, clock::nanos);
        tokens.parse("in-use");
        for (int i = 0; i < 100; i++) {
            valid.put("once-" + i, NOW + 3600);
            tokens.parse("once-" + i);
            tokens.parse("in-use");
            assertThat(tokens.size()).isLessThanOrEqualTo(10);
        }
        assertThat(checks).as("each passing token checked once, the one in use once").hasValue(101);
    }

    @Test
    void shouldNotCacheWhenSizeIsZero() throws Exception {
        valid.put("a", NOW + 60);
        VerifiedTokens tokens = new VerifiedTokens(checker, new SimpleMeterRegistry(), 0, clock, clock::nanos);
        tokens.parse("a");
        tokens.parse("a");
        assertThat(checks).hasValue(2);
    }

    private static JsonWebToken token(String raw, long exp) {
        return (JsonWebToken) Proxy.newProxyInstance(VerifiedTokensTest.class.getClassLoader(),
                new Class<?>[] { JsonWebToken.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getExpirationTime" -> exp;
                    case "getRawToken" -> raw;
                    case "getName" -> "user";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "token(" + raw + ")";
                    default -> null;
                });
    }

    private static final class MutableClock extends Clock {
        volatile long seconds;

        MutableClock(long seconds) {
            this.seconds = seconds;
        }

        /** The same time as a Caffeine ticker reads it. */
        long nanos() {
            return TimeUnit.SECONDS.toNanos(seconds);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
