package app.mealplanner.worker.llm;

import java.time.Duration;
import java.util.function.Predicate;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Which failed model calls the fault tolerance retries: those a later call may not have
 * ({@link ModelException.Unavailable}: network, stalls, resets, time limits, 408, 409, 5xx, rate limits),
 * unless the provider asked for a wait longer than {@code menu.model.retry-after-cap} (a daily limit, say):
 * then the call fails at once and the job moves on (second provider, catalog).
 */
public class WorthRetrying implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        if (!(failure instanceof ModelException.Unavailable unavailable)) {
            return false;
        }
        if (unavailable.retryAfter() == null) {
            return true;
        }
        Duration cap = ConfigProvider.getConfig().getOptionalValue("menu.model.retry-after-cap", Duration.class)
                .orElse(Duration.ofSeconds(30));
        return unavailable.retryAfter().compareTo(cap) <= 0;
    }
}
