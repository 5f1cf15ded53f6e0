package app.mealplanner.worker.llm;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.eclipse.microprofile.config.ConfigProvider;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

/**
 * The wait before a model call is retried: what the provider asked for (Retry-After or
 * x-ratelimit-reset-*), up to a cap, and otherwise exponential backoff with full jitter so that many
 * workers do not retry in step.
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
            long cap = ConfigProvider.getConfig().getOptionalValue("menu.model.retry-after-cap", Duration.class)
                    .orElse(Duration.ofSeconds(30)).toMillis();
            return Math.min(unavailable.retryAfter().toMillis(), cap);
        }
        long ceiling = baseMillis << Math.min(attempt - 1, 10);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
