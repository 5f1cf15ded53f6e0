package app.mealplanner.api.auth;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import app.mealplanner.api.error.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * At most {@code per-address} registrations from one client address within {@code window}: without it one
 * client made about 600 accounts a minute, and with them as many hourly menu quotas. Counted like login
 * failures (one atomic upsert per attempt, a refused attempt not counted, counters purged after their
 * window), in PostgreSQL so that it holds across api pods.
 */
@ApplicationScoped
public class RegistrationLimit {

    private static final Logger LOG = Logger.getLogger(RegistrationLimit.class);

    @ConfigMapping(prefix = "menu.registration")
    public interface Config {
        /** Registrations from one client address within the window. */
        @WithDefault("20")
        int perAddress();

        @WithDefault("1h")
        Duration window();

        /** How often counters whose window is over are deleted. */
        @WithDefault("5m")
        Duration purgeEvery();
    }

    private final EntityManager em;
    private final Config config;
    private final WindowCounter counter;

    public RegistrationLimit(EntityManager em, Config config) {
        this.em = em;
        this.config = config;
        this.counter = new WindowCounter(RegistrationCount.class, List.of("address"), "registrations", config.window());
    }

    /** Counts a registration from {@code address}; throws 429 with Retry-After, counting nothing, over the limit. */
    public void count(String address) {
        QuarkusTransaction.requiringNew().run(() -> {
            WindowCounter.Count count = counter.increment(em, address);
            if (count.value() > config.perAddress()) {
                // thrown inside the transaction: it rolls back, so the refused registration is not counted
                throw new ApiException(429, "too-many-registrations", "Too Many Requests", "At most "
                        + config.perAddress() + " accounts per " + config.window().toMinutes()
                        + " min from one network; try again in " + count.secondsLeft() + " s.", null,
                        Map.of("Retry-After", String.valueOf(count.secondsLeft())));
            }
        });
    }

    @Scheduled(every = "${menu.registration.purge-every:5m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "registration-count-purge")
    void purge() {
        try {
            QuarkusTransaction.requiringNew().call(() -> counter.purge(em));
        } catch (RuntimeException e) {
            LOG.warnf("purging registration counts skipped: %s", e.getMessage());
        }
    }
}
