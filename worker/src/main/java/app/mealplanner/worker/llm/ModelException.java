package app.mealplanner.worker.llm;

import java.time.Duration;

/** Why a model call or its answer failed; the subclasses tell retries, breaker and fallback what to do. */
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

    /** A failure a later call may not have: connection errors, 408, 409, 5xx, 429 rate_limit_exceeded. */
    public static class Unavailable extends ModelException {
        private final Duration retryAfter;

        Unavailable(String code, String message, Duration retryAfter, Throwable cause) {
            super(code, message, cause);
            this.retryAfter = retryAfter;
        }

        /** What the provider asked us to wait before the next call, if it said. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * The provider refuses us and will keep refusing: bad key (401/403), out of quota (429
     * insufficient_quota), bad request or unknown model (400/404). No retry and no fallback: the job fails
     * with this code so that an operator sees it.
     */
    public static class Rejected extends ModelException {
        Rejected(String code, String message) {
            super(code, message);
        }
    }

    /** The call answered but the answer is unusable: refusal, truncated or malformed JSON, invalid menu. */
    public static class BadAnswer extends ModelException {
        BadAnswer(String code, String message) {
            super(code, message);
        }
    }

    /** The job's thread was interrupted (cancelled job or stopping worker) while waiting for the model. */
    public static class Interrupted extends ModelException {
        Interrupted(Throwable cause) {
            super("INTERRUPTED", "the model call was interrupted", cause);
        }
    }
}
