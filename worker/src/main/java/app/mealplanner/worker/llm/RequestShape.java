package app.mealplanner.worker.llm;

import java.util.List;
import java.util.Optional;

/**
 * Which optional request fields one model on one provider accepts. It starts from the provider's style
 * and the model's name, and learns from the provider's refusals: a 400 that names a field we can drop or
 * rename changes the shape for every later call to that model ({@link ParameterRules}).
 */
public record RequestShape(TokenLimit tokenLimit, boolean temperature, boolean reasoningEffort,
        boolean streamOptions, OutputFormat format, boolean reasoning) {

    /** The name of the output limit field, or none at all. */
    public enum TokenLimit {
        MAX_TOKENS, MAX_COMPLETION_TOKENS, NONE
    }

    /** How the answer's JSON shape is asked for, from the strongest to the weakest. */
    public enum OutputFormat {
        /** {@code response_format: json_schema}, strict. */
        JSON_SCHEMA,
        /** {@code response_format: json_object}, the schema in the instructions. */
        JSON_OBJECT,
        /** No {@code response_format}; the schema in the instructions. */
        PROMPT_ONLY;

        OutputFormat weaker() {
            return this == JSON_SCHEMA ? JSON_OBJECT : PROMPT_ONLY;
        }
    }

    /** The shape a provider starts with for its model. */
    static RequestShape initial(Provider provider, Optional<String> reasoningEffort) {
        boolean reasoning = provider.style().prefersMaxCompletionTokens() && provider.reasoningByName();
        return new RequestShape(provider.style().prefersMaxCompletionTokens() ? TokenLimit.MAX_COMPLETION_TOKENS
                : TokenLimit.MAX_TOKENS, !reasoning, reasoning && reasoningEffort.isPresent(), true,
                OutputFormat.JSON_SCHEMA, reasoning);
    }

    /** OpenAI's rules for reasoning models: {@code max_completion_tokens}, no temperature. */
    RequestShape asReasoningModel(boolean sendReasoningEffort) {
        return new RequestShape(TokenLimit.MAX_COMPLETION_TOKENS, false, sendReasoningEffort, streamOptions, format,
                true);
    }

    RequestShape withTokenLimit(TokenLimit limit) {
        return new RequestShape(limit, temperature, reasoningEffort, streamOptions, format, reasoning);
    }

    RequestShape withoutTemperature() {
        return new RequestShape(tokenLimit, false, reasoningEffort, streamOptions, format, reasoning);
    }

    RequestShape withoutReasoningEffort() {
        return new RequestShape(tokenLimit, temperature, false, streamOptions, format, reasoning);
    }

    RequestShape withoutStreamOptions() {
        return new RequestShape(tokenLimit, temperature, reasoningEffort, false, format, reasoning);
    }

    RequestShape withWeakerFormat() {
        return new RequestShape(tokenLimit, temperature, reasoningEffort, streamOptions, format.weaker(), reasoning);
    }

    /** The request body for {@code call} in this shape. */
    ChatRequest body(Provider provider, ModelCall call, double temperatureValue, Optional<String> effort,
            int reasoningTokens) {
        List<ChatRequest.Message> messages = format == OutputFormat.JSON_SCHEMA ? call.messages()
                : MenuPrompt.withSchemaInInstructions(call.messages(), call.schema());
        ChatRequest.ResponseFormat responseFormat = switch (format) {
            case JSON_SCHEMA -> ChatRequest.ResponseFormat.strict(call.schemaName(), call.schema());
            case JSON_OBJECT -> ChatRequest.ResponseFormat.jsonObject();
            case PROMPT_ONLY -> null;
        };
        int limit = call.maxOutputTokens() + (reasoning ? reasoningTokens : 0);
        return new ChatRequest(provider.model(), messages, responseFormat, temperature ? temperatureValue : null,
                tokenLimit == TokenLimit.MAX_TOKENS ? limit : null,
                tokenLimit == TokenLimit.MAX_COMPLETION_TOKENS ? limit : null,
                reasoningEffort ? effort.orElse(null) : null, true,
                streamOptions ? new ChatRequest.StreamOptions(true) : null);
    }
}
