package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** Every form in which providers say how long to wait. */
class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void shouldReadRetryAfterInSecondsOrAsAnHttpDate() {
        assertThat(wait(Map.of("Retry-After", "7"), null)).contains(Duration.ofSeconds(7));
        assertThat(wait(Map.of("Retry-After", "1.5"), null)).contains(Duration.ofMillis(1500));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(NOW.plusSeconds(42));
        assertThat(wait(Map.of("Retry-After", date), null)).contains(Duration.ofSeconds(42));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(NOW.minusSeconds(5));
        assertThat(wait(Map.of("Retry-After", past), null)).contains(Duration.ZERO);
        assertThat(wait(Map.of("Retry-After", "soon"), null)).isEmpty();
    }

    @Test
    void shouldPreferAzuresRetryAfterMsToItsRoundedSeconds() {
        assertThat(wait(Map.of("retry-after-ms", "1250", "retry-after", "2"), null)).contains(Duration.ofMillis(1250));
    }

    @Test
    void shouldReadResetHeadersInEveryUnit() {
        assertThat(RetryAfter.duration("20ms")).isEqualTo(Duration.ofMillis(20));
        assertThat(RetryAfter.duration("6m0s")).isEqualTo(Duration.ofMinutes(6));
        assertThat(RetryAfter.duration("1h2m3.5s")).isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(RetryAfter.duration("850us")).isEqualTo(Duration.ofNanos(850_000));
        assertThat(RetryAfter.duration("850µs")).isEqualTo(Duration.ofNanos(850_000));
        assertThat(RetryAfter.duration("120ns")).isEqualTo(Duration.ofNanos(120));
        assertThat(RetryAfter.duration("55")).isEqualTo(Duration.ofSeconds(55)); // Azure's plain seconds
        assertThat(RetryAfter.duration("1.5x")).isNull();
        assertThat(RetryAfter.duration("ms")).isNull();
    }

    @Test
    void shouldTakeTheResetOfTheLimitThatWasHit() {
        Map<String, String> headers = Map.of("x-ratelimit-reset-requests", "2m0s", "x-ratelimit-reset-tokens", "900ms");
        // OpenAI's error body names the limit (type "tokens" or "requests")
        assertThat(wait(headers, "tokens")).contains(Duration.ofMillis(900));
        assertThat(wait(headers, "requests")).contains(Duration.ofMinutes(2));
        // otherwise the remaining count that is zero says it
        Map<String, String> tokensExhausted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        tokensExhausted.putAll(headers);
        tokensExhausted.put("x-ratelimit-remaining-tokens", "0");
        tokensExhausted.put("x-ratelimit-remaining-requests", "499");
        assertThat(wait(tokensExhausted, null)).contains(Duration.ofMillis(900));
        // and when nothing says which, the later reset is the only safe one
        assertThat(wait(headers, null)).contains(Duration.ofMinutes(2));
    }

    private static Optional<Duration> wait(Map<String, String> headers, String limit) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return RetryAfter.of(byName::get, limit, NOW);
    }
}
