package app.mealplanner.worker.llm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * The request shape each model accepts, learned from the providers' refusals. A 400 that names a field
 * we can drop or rename (OpenAI's {@code unsupported_parameter} / {@code unsupported_value}, an unknown
 * argument, a {@code response_format} the server lacks) changes the shape for that model, and the call is
 * sent again once in the new shape. OpenAI's reasoning models refuse {@code max_tokens} and any
 * temperature but 1, one refusal at a time: either refusal switches to both of their rules, so such a
 * model costs at most one refused request per worker.
 */
@ApplicationScoped
public class ParameterRules {

    private static final Logger LOG = Logger.getLogger(ParameterRules.class);

    /** The fields we know how to drop or rename, in the order a message is searched for them. */
    private static final List<String> ADJUSTABLE = List.of("max_completion_tokens", "max_tokens", "temperature",
            "reasoning_effort", "stream_options", "response_format", "json_schema", "json_object");

    /** A refusal we can work around: the field it named and the shape to send instead. */
    record Adjustment(String parameter, RequestShape shape) {
    }

    private final Map<String, RequestShape> shapes = new ConcurrentHashMap<>();
    private final ModelConfig config;

    public ParameterRules(ModelConfig config) {
        this.config = config;
    }

    RequestShape shape(Provider provider) {
        return shapes.computeIfAbsent(key(provider), k -> RequestShape.initial(provider, config.reasoningEffort()));
    }

    /** The shape to retry with after {@code error}, remembered for the model; empty when the refusal is final. */
    Optional<Adjustment> adjust(Provider provider, RequestShape sent, ProviderError error) {
        if (error.status() != 400 && error.status() != 422 || error.contextTooLong()) {
            return Optional.empty();
        }
        String parameter = namedParameter(error);
        if (parameter == null) {
            return Optional.empty();
        }
        boolean openAiRefusal = "unsupported_parameter".equals(error.code()) || "unsupported_value".equals(error.code());
        UnaryOperator<RequestShape> change = switch (parameter) {
            case "max_tokens" -> s -> s.tokenLimit() == RequestShape.TokenLimit.MAX_TOKENS
                    ? s.asReasoningModel(config.reasoningEffort().isPresent()) : s;
            case "temperature" -> s -> !s.temperature() ? s
                    : openAiRefusal ? s.asReasoningModel(config.reasoningEffort().isPresent()) : s.withoutTemperature();
            case "max_completion_tokens" -> s -> s.tokenLimit() == RequestShape.TokenLimit.MAX_COMPLETION_TOKENS
                    ? s.withTokenLimit(RequestShape.TokenLimit.MAX_TOKENS) : s;
            case "reasoning_effort" -> s -> s.reasoningEffort() ? s.withoutReasoningEffort() : s;
            case "stream_options" -> s -> s.streamOptions() ? s.withoutStreamOptions() : s;
            default -> s -> s.format() != RequestShape.OutputFormat.PROMPT_ONLY ? s.withWeakerFormat() : s;
        };
        RequestShape next = change.apply(sent);
        if (next.equals(sent)) {
            return Optional.empty();
        }
        shapes.compute(key(provider), (k, current) -> current == null ? next : change.apply(current));
        LOG.warnf("model %s refused '%s' %s; sending its requests without it from now on", provider.model(), parameter,
                error.detail(provider));
        return Optional.of(new Adjustment(parameter.startsWith("json_") ? "response_format" : parameter, next));
    }

    /** The field the refusal is about: its {@code param}, or the first one its message names. */
    private static String namedParameter(ProviderError error) {
        String param = error.param();
        if (param != null) {
            for (String known : ADJUSTABLE) {
                if (param.equals(known) || param.startsWith(known + ".") || param.startsWith(known + "[")) {
                    return known;
                }
            }
        }
        String message = error.lowerMessage();
        String first = null;
        int at = Integer.MAX_VALUE;
        for (String known : ADJUSTABLE) {
            int i = message.indexOf(known);
            if (i >= 0 && i < at) {
                at = i;
                first = known;
            }
        }
        return first;
    }

    private static String key(Provider provider) {
        return provider.role() + "|" + provider.baseUrl() + "|" + provider.model();
    }

    /** Forgets everything learned (tests). */
    void reset() {
        shapes.clear();
    }
}
