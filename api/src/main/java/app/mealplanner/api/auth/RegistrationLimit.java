package app.mealplanner.api.auth;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import app.mealplanner.api.error.ApiException;
import app.mealplanner.common.db.Database;
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

    private final Database database;
    private final Config config;

    public RegistrationLimit(Database database, Config config) {
        this.database = database;
        this.config = config;
    }

    /** Counts a registration from {@code address}; throws 429 with Retry-After, counting nothing, over the limit. */
    public void count(String address) {
        String window = config.window().toSeconds() + " seconds";
        database.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into registration_count as r (address, registrations, "
                    + "window_start) values (?, 1, now()) on conflict (address) do update set "
                    + "registrations = case when r.window_start <= now() - ?::interval then 1 else r.registrations + 1 end, "
                    + "window_start = case when r.window_start <= now() - ?::interval then now() else r.window_start end "
                    + "returning registrations, ceil(extract(epoch from window_start + ?::interval - now()))")) {
                ps.setString(1, address);
                ps.setString(2, window);
                ps.setString(3, window);
                ps.setString(4, window);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > config.perAddress()) {
                        long seconds = Math.max(1, rs.getLong(2));
                        throw new ApiException(429, "too-many-registrations", "Too Many Requests", "At most "
                                + config.perAddress() + " accounts per " + config.window().toMinutes() + " min from one network; try again in " + seconds
                                + " s.", null, Map.of("Retry-After", String.valueOf(seconds)));
                    }
                    return null;
                }
            }
        });
    }

    @Scheduled(every = "${menu.registration.purge-every:5m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "registration-count-purge")
    void purge() {
        try {
            database.run(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "delete from registration_count where window_start <= now() - ?::interval")) {
                    ps.setString(1, config.window().toSeconds() + " seconds");
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("purging registration counts skipped: %s", e.getMessage());
        }
    }
}
