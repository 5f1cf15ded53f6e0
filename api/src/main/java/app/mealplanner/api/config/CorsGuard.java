package app.mealplanner.api.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start with a CORS origin list that is not a list of exact origins. The api allows
 * credentials, and a wildcard (or a pattern) with credentials lets any site act as the logged-in user.
 */
@ApplicationScoped
public class CorsGuard {

    private static final Pattern EXACT_ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    private final Optional<List<String>> origins;

    public CorsGuard(@ConfigProperty(name = "quarkus.http.cors.origins") Optional<List<String>> origins) {
        this.origins = origins;
    }

    void check(@Observes StartupEvent event) {
        check(origins.orElse(List.of()));
    }

    public static void check(List<String> origins) {
        for (String origin : origins) {
            String o = origin.trim();
            if (o.equals("*")) {
                throw new IllegalStateException("CORS_ORIGINS contains '*'. The api allows credentials, so it only "
                        + "accepts exact origins such as https://app.example.com or http://localhost:5173.");
            }
            if (!EXACT_ORIGIN.matcher(o).matches()) {
                throw new IllegalStateException("CORS_ORIGINS entry '" + o + "' is not an exact origin "
                        + "(scheme://host[:port], no path, no wildcard).");
            }
        }
    }
}
