package app.mealplanner.worker.llm;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The model settings. Time limits, retries and the breaker are configured on {@link ModelClient}'s
 * fault-tolerance annotations through {@code quarkus.fault-tolerance."…"} keys in application.properties.
 */
@ConfigMapping(prefix = "menu.model")
public interface ModelConfig {

    /** The API key ({@code OPENAI_API_KEY}); without one every menu comes from the catalog planner. */
    @WithName("api-key")
    Optional<String> apiKey();

    /** The model name ({@code OPENAI_MODEL}). */
    @WithDefault("gpt-4o-mini")
    String name();

    /** {@code catalog}: a model failure gives a catalog menu with a warning; {@code none}: the attempt fails. */
    @WithDefault("catalog")
    String fallback();

    /**
     * Model calls at once per worker: the bulkhead on {@link ModelClient#complete} (its value is bound to this
     * key in application.properties). Keep it at or above {@code menu.worker.threads} unless the provider's
     * rate limit is lower.
     */
    @WithDefault("64")
    int maxConcurrent();

    /** Upper bound on a provider's Retry-After we honour; longer waits are left to JobRunr's retries. */
    @WithDefault("30s")
    Duration retryAfterCap();

    /** Answer size limit sent as max_tokens (a 14-day, 4-meal plan needs about 15k). */
    @WithDefault("16000")
    int maxTokens();

    @WithDefault("0.7")
    double temperature();

    default boolean configured() {
        return apiKey().filter(k -> !k.isBlank()).isPresent();
    }

    default boolean fallbackToCatalog() {
        return "catalog".equalsIgnoreCase(fallback());
    }
}
