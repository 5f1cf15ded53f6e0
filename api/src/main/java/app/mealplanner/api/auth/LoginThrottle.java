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

    private final EntityManager em;
    private final Config config;
    private final WindowCounter perAddress;
    private final WindowCounter perEmail;

    public LoginThrottle(EntityManager em, Config config) {
        this.em = em;
        this.config = config;
        this.perAddress = new WindowCounter(LoginFailureAddress.class, List.of("address"), "failures", config.window());
        this.perEmail = new WindowCounter(LoginFailure.class, List.of("email", "address"), "failures", config.window());
    }

    /**
     * Counts a login attempt of {@code email} from {@code address} as a failure until {@link #succeeded} says
     * otherwise; throws 429 with Retry-After, counting nothing, when either limit is reached.
     */
    public void attempt(String email, String address) {
        QuarkusTransaction.requiringNew().run(() -> {
            WindowCounter.Count fromAddress = perAddress.increment(em, address);
            if (fromAddress.value() > config.maxFailuresPerAddress()) {
                throw tooMany(fromAddress.secondsLeft(), "Too many failed logins from your network; try again in ");
            }
            WindowCounter.Count forEmail = perEmail.increment(em, email, address);
            if (forEmail.value() > config.maxFailures()) {
                throw tooMany(forEmail.secondsLeft(), "Too many failed logins for this account; try again in ");
            }
        });
    }

    /** The password was right: the attempt was no failure, and the email's failures from there are forgotten. */
    public void succeeded(String email, String address) {
        QuarkusTransaction.requiringNew().run(() -> {
            em.createQuery("delete from LoginFailure f where f.email = :email and f.address = :address")
                    .setParameter("email", email).setParameter("address", address).executeUpdate();
            em.createQuery("update LoginFailureAddress a set a.failures = greatest(a.failures - 1, 0) "
                    + "where a.address = :address").setParameter("address", address).executeUpdate();
        });
    }

    @Scheduled(every = "${menu.login.purge-every:5m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "login-failure-purge")
    void purge() {
        try {
            QuarkusTransaction.requiringNew().call(() -> perEmail.purge(em) + perAddress.purge(em));
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
