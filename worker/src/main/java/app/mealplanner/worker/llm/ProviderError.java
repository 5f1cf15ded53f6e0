package app.mealplanner.worker.llm;

import java.time.Instant;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An error answer of a provider, read from whichever shape it comes in (OpenAI, Azure, Ollama and newer
 * vLLM: {@code {"error": {message, type, param, code}}}; older vLLM: the same fields at the top level;
 * LM Studio: {@code {"error": "text"}}; anything else: the start of the body), and what it means for us.
 */
record ProviderError(int status, String message, String type, String param, String code) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGE_LIMIT = 300;
    private static final Pattern CONTEXT = Pattern.compile("maximum context length|context length|context window"
            + "|too many tokens|prompt is too long|request too large|reduce the length", Pattern.CASE_INSENSITIVE);

    static ProviderError parse(int status, String body) {
        if (body == null || body.isBlank()) {
            return new ProviderError(status, null, null, null, null);
        }
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root.has("error") ? root.get("error") : root;
            if (error.isTextual()) {
                return new ProviderError(status, cut(error.asText()), null, null, null);
            }
            String message = text(error, "message");
            if (message == null) {
                message = text(root, "detail");
            }
            return new ProviderError(status, cut(message), text(error, "type"), text(error, "param"),
                    text(error, "code"));
        } catch (Exception notJson) {
            String plain = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
            return new ProviderError(status, cut(plain), null, null, null);
        }
    }

    /** What a retry, the breaker, failover and the job should make of this answer. */
    ModelException classify(Provider provider, UnaryOperator<String> header, Instant now) {
        String detail = detail(provider);
        if (status == 401 || status == 403) {
            return new ModelException.Rejected("MODEL_AUTH", "The model provider refused the API key " + detail);
        }
        if (is("insufficient_quota") || is("credit_balance_exhausted") || is("billing_hard_limit_reached")) {
            return new ModelException.Rejected("MODEL_QUOTA", "The model provider reports that the quota is used up "
                    + detail);
        }
        if (contextTooLong()) {
            return new ModelException.TooLong("The request is longer than the model's context " + detail);
        }
        if (is("content_filter")) {
            return new ModelException.BadAnswer("MODEL_CONTENT_FILTER", "The provider's content filter blocked the "
                    + "request " + detail);
        }
        if (status == 408 || status == 409 || status == 425 || status == 429 || status >= 500) {
            String limit = "requests".equals(type) || "tokens".equals(type) ? type : null;
            return new ModelException.Unavailable(status == 429 ? "MODEL_RATE_LIMITED" : "MODEL_UNAVAILABLE",
                    "The model API is unavailable " + detail,
                    RetryAfter.of(header, limit, now).orElse(null), null);
        }
        if (status == 404) {
            return new ModelException.Rejected("MODEL_REQUEST", "The model API does not know this model or path "
                    + detail + "; check OPENAI_BASE_URL and OPENAI_MODEL");
        }
        return new ModelException.Rejected("MODEL_REQUEST", "The model provider refused the request " + detail);
    }

    /** A 400 that says the prompt plus the output limit do not fit the model (or the rate limit) at all. */
    boolean contextTooLong() {
        if (is("context_length_exceeded") || is("string_above_max_length")) {
            return true;
        }
        return (status == 400 || status == 413 || status == 422 || status == 429) && message != null
                && CONTEXT.matcher(message).find();
    }

    /** "(HTTP 400 invalid_request_error/unsupported_parameter: the provider's message)". */
    String detail(Provider provider) {
        StringBuilder s = new StringBuilder("(HTTP ").append(status);
        String kind = type != null && code != null ? type + "/" + code : type != null ? type : code;
        if (kind != null) {
            s.append(' ').append(kind);
        }
        if (message != null) {
            s.append(": ").append(provider.redact(message));
        }
        return s.append(')').toString();
    }

    private boolean is(String value) {
        return value.equals(code) || value.equals(type);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static String cut(String message) {
        if (message == null || message.isBlank()) {
            return null;
        }
        String m = message.strip();
        return m.length() <= MESSAGE_LIMIT ? m : m.substring(0, MESSAGE_LIMIT) + "…";
    }

    String lowerMessage() {
        return message == null ? "" : message.toLowerCase(Locale.ROOT);
    }
}
