package app.mealplanner.worker.llm;

import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

/**
 * The wait before a model call is retried: what the provider asked for (retry-after-ms, Retry-After,
 * x-ratelimit-reset-*), and otherwise exponential backoff with full jitter so that many workers do not
 * retry in step. A wait longer than {@code menu.model.retry-after-cap} is never retried at all
 * ({@link WorthRetrying}), so the cap needs no enforcing here.
 */
public class RetryAfterBackoff implements CustomBackoffStrategy {

    private long baseMillis;
    private int attempt;

    @Override
    public void init(long initialDelayInMillis) {
        this.baseMillis = Math.max(1, initialDelayInMillis);
    }

    @Override
    public long nextDelayInMillis(Throwable cause) {
        attempt++;
        if (cause instanceof ModelException.Unavailable unavailable && unavailable.retryAfter() != null) {
            return unavailable.retryAfter().toMillis();
        }
        long ceiling = baseMillis << Math.min(attempt - 1, 10);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
