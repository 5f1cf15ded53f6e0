package app.mealplanner.worker.llm;

import java.net.URI;
import java.util.Locale;

/**
 * How an OpenAI-compatible server wants to be spoken to ({@code OPENAI_API_STYLE}). They differ in the
 * path, the key header and the name of the output limit; everything else is the chat-completions shape.
 */
public enum ApiStyle {
    /** api.openai.com: {@code max_completion_tokens}, reasoning models without temperature. */
    OPENAI,
    /** Azure OpenAI: {@code api-key} header, deployment path with {@code api-version}, {@code retry-after-ms}. */
    AZURE,
    /** Ollama's /v1: reads only {@code max_tokens}. */
    OLLAMA,
    /** vLLM: {@code max_tokens}; refuses a prompt plus output limit beyond its context. */
    VLLM,
    /** Any other server (LM Studio, gateways): {@code max_tokens}. */
    COMPATIBLE;

    /** The configured style, or the one the base URL suggests. */
    public static ApiStyle of(String configured, String baseUrl) {
        if (configured != null && !configured.isBlank()) {
            try {
                return valueOf(configured.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("OPENAI_API_STYLE must be one of openai, azure, ollama, vllm, "
                        + "compatible, not '" + configured + "'");
            }
        }
        String host = host(baseUrl);
        if (host.equals("api.openai.com")) {
            return OPENAI;
        }
        if (host.endsWith(".openai.azure.com") || host.endsWith(".cognitiveservices.azure.com")) {
            return AZURE;
        }
        return COMPATIBLE;
    }

    /** Whether the server knows {@code max_completion_tokens} (and reasoning models refuse {@code max_tokens}). */
    boolean prefersMaxCompletionTokens() {
        return this == OPENAI || this == AZURE;
    }

    private static String host(String baseUrl) {
        try {
            String host = URI.create(baseUrl.trim()).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
