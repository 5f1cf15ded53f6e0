package app.mealplanner.api.auth;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import app.mealplanner.api.error.ApiException;
import app.mealplanner.common.db.Database;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Slows password guessing: after {@code max-failures} failed logins for one email within
 * {@code window}, further attempts get 429 with Retry-After until the oldest failure leaves the window.
 * Counted in PostgreSQL, so the limit holds across api pods; a successful login clears the count.
 */
@ApplicationScoped
public class LoginThrottle {

    @ConfigMapping(prefix = "menu.login")
    public interface Config {
        @WithDefault("10")
        int maxFailures();

        @WithDefault("15m")
        Duration window();
    }

    private final Database database;
    private final Config config;

    public LoginThrottle(Database database, Config config) {
        this.database = database;
        this.config = config;
    }

    /** Throws 429 when this email has too many recent failures. */
    public void check(String email) {
        OptionalLong wait = database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select ceil(extract(epoch from failed_at + ?::interval - now())) "
                    + "from login_failure where email = ? and failed_at > now() - ?::interval "
                    + "order by failed_at desc offset ? limit 1")) {
                String window = config.window().toSeconds() + " seconds";
                ps.setString(1, window);
                ps.setString(2, key(email));
                ps.setString(3, window);
                ps.setInt(4, config.maxFailures() - 1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(Math.max(1, rs.getLong(1))) : OptionalLong.empty();
                }
            }
        });
        if (wait.isPresent()) {
            throw new ApiException(429, "too-many-login-attempts", "Too Many Requests",
                    "Too many failed logins for this account; try again in " + wait.getAsLong() + " s.", null,
                    Map.of("Retry-After", String.valueOf(wait.getAsLong())));
        }
    }

    public void failed(String email) {
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into login_failure (email) values (?)")) {
                ps.setString(1, key(email));
                return ps.executeUpdate();
            }
        });
    }

    public void succeeded(String email) {
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from login_failure where email = ?")) {
                ps.setString(1, key(email));
                return ps.executeUpdate();
            }
        });
    }

    private static String key(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }
}
