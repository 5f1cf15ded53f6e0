package app.mealplanner.worker.llm;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /chat/completions} as the official request shape names its fields (absent
 * values are left out). Which optional fields are sent is decided by {@link RequestShape}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatRequest(
        String model,
        List<Message> messages,
        @JsonProperty("response_format") ResponseFormat responseFormat,
        Double temperature,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        @JsonProperty("reasoning_effort") String reasoningEffort,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions) {

    public record Message(String role, String content) {
        public static Message system(String content) {
            return new Message("system", content);
        }

        public static Message user(String content) {
            return new Message("user", content);
        }

        public static Message assistant(String content) {
            return new Message("assistant", content);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResponseFormat(String type, @JsonProperty("json_schema") JsonSchema jsonSchema) {
        public static ResponseFormat strict(String name, Map<String, Object> schema) {
            return new ResponseFormat("json_schema", new JsonSchema(name, true, schema));
        }

        public static ResponseFormat jsonObject() {
            return new ResponseFormat("json_object", null);
        }
    }

    public record JsonSchema(String name, boolean strict, Map<String, Object> schema) {
    }

    public record StreamOptions(@JsonProperty("include_usage") boolean includeUsage) {
    }
}
