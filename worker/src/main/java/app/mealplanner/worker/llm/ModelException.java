package app.mealplanner.worker.llm;

import java.time.Duration;

/**
 * Why a model call or its answer failed; the subclasses tell retries, breaker, failover and fallback what
 * to do. The message carries the provider's own explanation when it gave one (keys masked), so that an
 * operator sees it in the job's error and the log.
 */
public class ModelException extends RuntimeException {

    private final String code;

    ModelException(String code, String message) {
        super(message);
        this.code = code;
    }

    ModelException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The error code recorded on the job and counted in metrics. */
    public String code() {
        return code;
    }

    /**
     * A failure a later call may not have: connection errors, a stall or reset mid-answer, a time limit,
     * 408, 409, 5xx, 429 rate limits. {@code retryAfter} is what the provider asked us to wait, if it said.
     */
    public static class Unavailable extends ModelException {
        private final Duration retryAfter;

        Unavailable(String code, String message, Duration retryAfter, Throwable cause) {
            super(code, message, cause);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * The provider refuses us and will keep refusing: bad key (401/403), out of quota (429
     * insufficient_quota), a request it cannot serve (400/404/422). No retry; the job fails with this code
     * (a quota first tries the second provider, when one is configured).
     */
    public static class Rejected extends ModelException {
        Rejected(String code, String message) {
            super(code, message);
        }
    }

    /** The prompt plus the output limit exceed the model's context: the part has to be asked for in smaller pieces. */
    public static class TooLong extends Rejected {
        TooLong(String message) {
            super("MODEL_CONTEXT_LENGTH", message);
        }
    }

    /**
     * The call answered but the answer is unusable: a refusal, a content filter, truncated or malformed
     * JSON, a menu that breaks the request, or a 200 that is not a chat completion at all.
     */
    public static class BadAnswer extends ModelException {
        BadAnswer(String code, String message) {
            super(code, message);
        }
    }

    /** The job's calls were cancelled (the job was cancelled, or the worker stops). Never a catalog menu. */
    public static class Interrupted extends ModelException {
        Interrupted(Throwable cause) {
            super("INTERRUPTED", "the model call was interrupted", cause);
        }
    }
}
