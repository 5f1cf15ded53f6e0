package app.mealplanner.worker.testing;

import java.time.Duration;

/**
 * One way a provider misbehaves on one call, with the bodies and headers real providers send. Given to
 * {@link FakeModelServer#on}, a fault applies to the next calls that match.
 */
public sealed interface FakeFault {

    /** How a 429 says how long to wait. */
    enum RetryHeaders {
        /** {@code Retry-After: <seconds>} (OpenAI also sends the reset headers). */
        SECONDS,
        /** {@code Retry-After: <HTTP date>} (RFC 9110). */
        HTTP_DATE,
        /** Azure: {@code retry-after-ms} and {@code retry-after}, Azure's body. */
        AZURE_MS,
        /**
         * OpenAI's token limit hit: no Retry-After, {@code type: tokens}, {@code x-ratelimit-reset-tokens} at the
         * wait and {@code x-ratelimit-reset-requests} far longer (the limit that was not hit).
         */
        RESET_TOKENS,
        /** The same for the request limit, with the reset in microseconds ("…us"). */
        RESET_REQUESTS_MICROS
    }

    /** 429 rate_limit_exceeded, asking to wait {@code delay}, in the given form. */
    record RateLimited(RetryHeaders form, Duration delay) implements FakeFault {
    }

    /** 429 insufficient_quota. */
    record QuotaExhausted() implements FakeFault {
    }

    /** An HTTP error with OpenAI's body for it (500, 502, 503). */
    record ServerError(int status) implements FakeFault {
    }

    /** Streams {@code chars} characters of the answer, then stays silent with the connection open. */
    record StallAfter(int chars) implements FakeFault {
    }

    /** Streams {@code chars} characters, then resets the connection (TCP RST). */
    record ResetAfter(int chars) implements FakeFault {
    }

    /** Streams {@code chars} characters, then closes the connection without finishing the answer. */
    record CloseAfter(int chars) implements FakeFault {
    }

    /** Streams {@code chars} characters, then an error event inside the stream. */
    record ErrorEventAfter(int chars) implements FakeFault {
    }

    /** A 200 with an HTML page, as a proxy or a captive portal sends. */
    record HtmlPage() implements FakeFault {
    }

    /** Streams half the answer, then {@code finish_reason: content_filter}. */
    record ContentFilter() implements FakeFault {
    }

    /** Azure's 400 when the prompt trips its content filter. */
    record AzurePromptFilter() implements FakeFault {
    }

    /** Streams half the answer, then {@code finish_reason: length}. */
    record Truncated() implements FakeFault {
    }

    /** An answer that is not JSON. */
    record Malformed() implements FakeFault {
    }

    /** A refusal instead of an answer. */
    record Refusal() implements FakeFault {
    }

    /** The answer with {@code ingredient} added to its first recipe. */
    record Ingredient(String ingredient) implements FakeFault {
    }

    /**
     * The answer with its first ingredient's unit null, as a server that does not enforce the schema (plain
     * JSON mode) may write it.
     */
    record NullUnit() implements FakeFault {
    }

    /** 401 invalid_api_key. */
    record BadKey() implements FakeFault {
    }

    /** 400 context_length_exceeded, in OpenAI's shape or (vllm) in vLLM's. */
    record ContextTooLong(boolean vllm) implements FakeFault {
    }
}
