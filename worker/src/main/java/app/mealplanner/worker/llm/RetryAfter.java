package app.mealplanner.worker.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a provider asked us to wait, from the headers of a 429 or 503, most precise first:
 * {@code retry-after-ms} (Azure), {@code Retry-After} in seconds or as an HTTP date (RFC 9110), then the
 * reset header of the limit that was hit ({@code x-ratelimit-reset-requests} or {@code -tokens}, in any
 * unit from nanoseconds to hours: "20ms", "6m0s", "1h2m3.5s", "850us", or plain seconds).
 */
final class RetryAfter {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|μs|ms|h|m|s)");
    private static final Pattern PLAIN = Pattern.compile("\\d+(?:\\.\\d+)?");

    private RetryAfter() {
    }

    /**
     * @param header   the response's header by name (case-insensitive), null when absent
     * @param limitHit "requests" or "tokens" when the error body says which limit was hit, otherwise null
     */
    static Optional<Duration> of(UnaryOperator<String> header, String limitHit, Instant now) {
        Duration ms = millis(header.apply("retry-after-ms"));
        if (ms != null) {
            return Optional.of(ms);
        }
        Duration retryAfter = retryAfter(header.apply("retry-after"), now);
        if (retryAfter != null) {
            return Optional.of(retryAfter);
        }
        Duration requests = reset(header, "requests");
        Duration tokens = reset(header, "tokens");
        String hit = limitHit != null ? limitHit : exhausted(header);
        if ("requests".equals(hit) && requests != null) {
            return Optional.of(requests);
        }
        if ("tokens".equals(hit) && tokens != null) {
            return Optional.of(tokens);
        }
        // which limit was hit is unknown: wait for the later reset, the only one sure to be enough
        if (requests == null || tokens != null && tokens.compareTo(requests) > 0) {
            return Optional.ofNullable(tokens);
        }
        return Optional.of(requests);
    }

    /** The limit whose remaining count is zero, when the headers say so. */
    private static String exhausted(UnaryOperator<String> header) {
        boolean requests = "0".equals(trim(header.apply("x-ratelimit-remaining-requests")));
        boolean tokens = "0".equals(trim(header.apply("x-ratelimit-remaining-tokens")));
        return requests == tokens ? null : requests ? "requests" : "tokens";
    }

    private static Duration reset(UnaryOperator<String> header, String limit) {
        String value = header.apply("x-ratelimit-reset-" + limit);
        if (value == null) {
            value = header.apply("x-rate-limit-reset-" + limit); // an older Azure spelling
        }
        return duration(value);
    }

    static Duration retryAfter(String value, Instant now) {
        String v = trim(value);
        if (v == null) {
            return null;
        }
        if (PLAIN.matcher(v).matches()) {
            return Duration.ofNanos((long) (Double.parseDouble(v) * 1_000_000_000L));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration millis(String value) {
        String v = trim(value);
        if (v == null || !PLAIN.matcher(v).matches()) {
            return null;
        }
        return Duration.ofNanos((long) (Double.parseDouble(v) * 1_000_000L));
    }

    /** "1h2m3.5s", "20ms", "850us", "120ns" or plain seconds. */
    static Duration duration(String value) {
        String v = trim(value);
        if (v == null) {
            return null;
        }
        if (PLAIN.matcher(v).matches()) {
            return Duration.ofNanos((long) (Double.parseDouble(v) * 1_000_000_000L));
        }
        Matcher m = PART.matcher(v);
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            end = m.end();
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "h" -> 3_600_000_000_000d;
                case "m" -> 60_000_000_000d;
                case "s" -> 1_000_000_000d;
                case "ms" -> 1_000_000d;
                case "ns" -> 1d;
                default -> 1_000d; // us, µs
            };
        }
        return end == v.length() && end > 0 ? Duration.ofNanos((long) nanos) : null;
    }

    private static String trim(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
