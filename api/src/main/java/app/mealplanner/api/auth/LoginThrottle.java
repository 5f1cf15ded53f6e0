package app.mealplanner.api.auth;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import app.mealplanner.api.error.ApiException;
import app.mealplanner.common.db.Database;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Slows password guessing without letting anyone lock an account (OWASP Authentication cheat sheet,
 * "Account Lockout"): failures are counted per email <em>and client address</em>, {@code max-failures}
 * within {@code window}, and per client address across all emails ({@code max-failures-per-address}),
 * so a guesser is stopped while the owner, from an address without failures, still logs in.
 *
 * <p>Counting is atomic: an attempt is counted before its password is checked, by one
 * {@code INSERT … ON CONFLICT DO UPDATE} per counter (the row lock orders concurrent attempts), and an
 * attempt over a limit is refused without being counted or checked. A right password takes its attempt
 * back and clears the email's failures from that address. A window starts with its first failure; counters
 * whose window is over are deleted every {@code purge-every}. Counted in PostgreSQL, so the limits hold
 * across api pods.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    @ConfigMapping(prefix = "menu.login")
    public interface Config {
        /** Failed logins for one email from one client address within the window. */
        @WithDefault("10")
        int maxFailures();

        /** Failed logins from one client address, whatever the email, within the window. */
        @WithDefault("100")
        int maxFailuresPerAddress();

        @WithDefault("15m")
        Duration window();

        /** How often counters whose window is over are deleted. */
        @WithDefault("5m")
        Duration purgeEvery();
    }

    private final Database database;
    private final Config config;
    private final WindowCounter perAddress;
    private final WindowCounter perEmail;

    public LoginThrottle(Database database, Config config) {
        this.database = database;
        this.config = config;
        this.perAddress = new WindowCounter("login_failure_address", List.of("address"), "failures", config.window());
        this.perEmail = new WindowCounter("login_failure", List.of("email", "address"), "failures", config.window());
    }

    /**
     * Counts a login attempt of {@code email} from {@code address} as a failure until {@link #succeeded} says
     * otherwise; throws 429 with Retry-After, counting nothing, when either limit is reached.
     */
    public void attempt(String email, String address) {
        database.transaction(c -> {
            WindowCounter.Count fromAddress = perAddress.increment(c, address);
            if (fromAddress.value() > config.maxFailuresPerAddress()) {
                throw tooMany(fromAddress.secondsLeft(), "Too many failed logins from your network; try again in ");
            }
            WindowCounter.Count forEmail = perEmail.increment(c, email, address);
            if (forEmail.value() > config.maxFailures()) {
                throw tooMany(forEmail.secondsLeft(), "Too many failed logins for this account; try again in ");
            }
            return null;
        });
    }

    /** The password was right: the attempt was no failure, and the email's failures from there are forgotten. */
    public void succeeded(String email, String address) {
        database.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from login_failure where email = ? and address = ?")) {
                ps.setString(1, email);
                ps.setString(2, address);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "update login_failure_address set failures = greatest(failures - 1, 0) where address = ?")) {
                ps.setString(1, address);
                return ps.executeUpdate();
            }
        });
    }

    @Scheduled(every = "${menu.login.purge-every:5m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "login-failure-purge")
    void purge() {
        try {
            database.run(c -> perEmail.purge(c) + perAddress.purge(c));
        } catch (RuntimeException e) {
            LOG.warnf("purging login failures skipped: %s", e.getMessage());
        }
    }

    private static ApiException tooMany(long seconds, String detail) {
        // thrown inside the transaction: it rolls back, so the refused attempt is not counted
        return new ApiException(429, "too-many-login-attempts", "Too Many Requests", detail + seconds + " s.", null,
                Map.of("Retry-After", String.valueOf(seconds)));
    }
}
