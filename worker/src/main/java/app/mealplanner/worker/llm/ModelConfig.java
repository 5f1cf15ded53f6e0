package app.mealplanner.worker.llm;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The model settings ({@code menu.model.*}, every one in application.properties and the README). Retries,
 * the breakers and the bulkheads are configured on {@link ModelClient}'s and {@link FallbackModelClient}'s
 * fault-tolerance annotations through {@code quarkus.fault-tolerance."…"} keys.
 */
@ConfigMapping(prefix = "menu.model")
public interface ModelConfig {

    /** The API key ({@code OPENAI_API_KEY}); without one every menu comes from the catalog planner. */
    @WithName("api-key")
    Optional<String> apiKey();

    /** The model name ({@code OPENAI_MODEL}); on Azure, also the deployment unless one is set. */
    @WithDefault("gpt-4o-mini")
    String name();

    /** {@code OPENAI_BASE_URL}: any OpenAI-compatible server. */
    @WithDefault("https://api.openai.com/v1")
    String baseUrl();

    /** {@code OPENAI_API_STYLE}: openai, azure, ollama, vllm or compatible; unset: guessed from the base URL. */
    Optional<String> apiStyle();

    /** Azure: the deployment ({@code OPENAI_AZURE_DEPLOYMENT}); unset: the model name. */
    Optional<String> azureDeployment();

    /** Azure: the {@code api-version} query parameter ({@code OPENAI_API_VERSION}). */
    @WithDefault("2024-10-21")
    String azureApiVersion();

    /** {@code reasoning_effort} sent to reasoning models ({@code OPENAI_REASONING_EFFORT}); unset: not sent. */
    Optional<String> reasoningEffort();

    /** Sampling temperature, sent only to models that accept one (never to reasoning models). */
    @WithDefault("0.7")
    double temperature();

    /** {@code catalog}: a model failure gives a catalog menu (or day) with a warning; {@code none}: the attempt fails. */
    @WithDefault("catalog")
    String fallback();

    /**
     * Model calls at once per worker: the bulkhead on {@link ModelClient#complete} (bound to this key in
     * application.properties), and the size of the HTTP connection pool per provider.
     */
    @WithDefault("256")
    int maxConcurrent();

    /** Model calls waiting for a place in the bulkhead at most; more are refused (MODEL_BUSY). */
    @WithDefault("10000")
    int maxWaiting();

    /** Upper bound on a provider's Retry-After we honour; a longer wait is not retried here (failover, catalog). */
    @WithDefault("30s")
    Duration retryAfterCap();

    /** Connecting to the provider (TCP and TLS). */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Longest wait for the first token of an answer. */
    @WithDefault("30s")
    Duration firstTokenTimeout();

    /** The same for reasoning models, which think (silently) before they write. */
    @WithDefault("120s")
    Duration reasoningFirstTokenTimeout();

    /** Longest silence between two chunks of an answer once it has started. */
    @WithDefault("20s")
    Duration idleTimeout();

    /**
     * The slowest writing we wait for: a call may take the first-token timeout plus its expected output
     * divided by this rate, then it is cut (and retried).
     */
    @WithDefault("10")
    int minTokensPerSecond();

    /** Calls of one job written at once (a day, or one meal of a day); a week fits in about one round. */
    @WithDefault("7")
    int daysInParallel();

    /**
     * Whether the first day is written one meal per call, in parallel: the user sees it in the time of one
     * recipe (about 4 s at 60 tokens/s) instead of a whole day's, for two or three more (short) requests.
     */
    @WithDefault("true")
    boolean firstDayByMeal();

    /** Extra output tokens allowed to reasoning models for their hidden reasoning. */
    @WithDefault("8000")
    int reasoningTokens();

    /** The optional second provider ({@code OPENAI_FALLBACK_*}), tried when the first is unavailable. */
    Secondary secondary();

    interface Secondary {
        /** {@code OPENAI_FALLBACK_BASE_URL}; unset: no second provider. */
        Optional<String> baseUrl();

        /** {@code OPENAI_FALLBACK_MODEL}; unset: the first provider's model name. */
        Optional<String> name();

        /** {@code OPENAI_FALLBACK_API_KEY}; unset: the first provider's key. */
        Optional<String> apiKey();

        /** {@code OPENAI_FALLBACK_API_STYLE}; unset: guessed from its base URL. */
        Optional<String> apiStyle();

        /** {@code OPENAI_FALLBACK_AZURE_DEPLOYMENT}; unset: its model name. */
        Optional<String> azureDeployment();
    }

    default boolean configured() {
        return apiKey().filter(k -> !k.isBlank()).isPresent();
    }

    default boolean fallbackToCatalog() {
        return "catalog".equalsIgnoreCase(fallback());
    }
}
