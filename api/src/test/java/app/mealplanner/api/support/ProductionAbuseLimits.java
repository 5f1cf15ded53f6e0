package app.mealplanner.api.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The abuse limits as in production (the other tests raise the per-address ones: they all come from
 * 127.0.0.1), a per-address login ceiling small enough to reach quickly, 127.0.0.1 as the one trusted
 * reverse proxy (so a test can speak for many clients through {@code X-Forwarded-For}) and a fast purge.
 */
public class ProductionAbuseLimits implements QuarkusTestProfile {

    public static final int LOGIN_FAILURES_PER_ADDRESS = 25;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "menu.login.max-failures", "10",
                "menu.login.max-failures-per-address", String.valueOf(LOGIN_FAILURES_PER_ADDRESS),
                "menu.login.purge-every", "1s",
                "menu.registration.per-address", "20",
                "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
    }
}
