package app.mealplanner.api.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Token settings; the keys themselves are configured through smallrye-jwt (JWT_* variables). */
@ConfigMapping(prefix = "menu.auth")
public interface AuthConfig {

    /** The aud claim of access tokens; anything else (an SSE ticket, say) is not an access token. */
    String AUDIENCE = "meal-planner-api";

    /** The iss claim of issued tokens, checked on every request. */
    @WithDefault("smart-meal-planner")
    String issuer();

    /** How long an access token is valid. */
    @WithDefault("1h")
    Duration tokenTtl();
}
