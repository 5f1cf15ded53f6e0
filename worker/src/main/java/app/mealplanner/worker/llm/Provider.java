package app.mealplanner.worker.llm;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One configured model API: where it is, which model, its key and its style. {@code role} is
 * {@code primary} or {@code secondary} (the failover provider) and names it in metrics and logs; the key
 * never leaves this record except in the request's auth header.
 */
public record Provider(String role, String baseUrl, String model, String apiKey, ApiStyle style,
        String azureDeployment, String azureApiVersion) {

    public static final String PRIMARY = "primary";
    public static final String SECONDARY = "secondary";

    private static final Pattern KEY_LIKE = Pattern.compile("\\b(sk|pk)-[A-Za-z0-9*_.-]{6,}|\\b[A-Fa-f0-9]{32,}\\b");

    /** The chat-completions URL. */
    public String url() {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (style == ApiStyle.AZURE) {
            if (base.endsWith("/openai/v1")) {
                return base + "/chat/completions"; // Azure's v1 API: the model travels in the body
            }
            return base + "/openai/deployments/" + azureDeployment + "/chat/completions?api-version="
                    + azureApiVersion;
        }
        return base + "/chat/completions";
    }

    /** The header that carries the key: {@code api-key} on Azure, {@code Authorization: Bearer} elsewhere. */
    public String authHeaderName() {
        return style == ApiStyle.AZURE ? "api-key" : "Authorization";
    }

    public String authHeaderValue() {
        return style == ApiStyle.AZURE ? apiKey : "Bearer " + apiKey;
    }

    /** Whether the model is one of OpenAI's reasoning models by its name (o-series, gpt-5 family). */
    public boolean reasoningByName() {
        String m = model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        m = slash < 0 ? m : m.substring(slash + 1);
        return m.matches("o\\d.*") || m.startsWith("gpt-5");
    }

    /** A provider's text with our key, or anything that looks like a key, masked: safe for logs and job errors. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = apiKey == null || apiKey.length() < 4 ? text : text.replace(apiKey, "[key]");
        return KEY_LIKE.matcher(out).replaceAll("[key]");
    }

    @Override
    public String toString() {
        return role + " " + style.value() + " " + model + " at " + baseUrl;
    }
}
