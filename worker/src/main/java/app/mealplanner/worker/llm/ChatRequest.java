package app.mealplanner.worker.llm;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code POST /chat/completions} with structured output in strict mode. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatRequest(
        String model,
        List<Message> messages,
        @JsonProperty("response_format") ResponseFormat responseFormat,
        Double temperature,
        @JsonProperty("max_tokens") Integer maxTokens) {

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

    public record ResponseFormat(String type, @JsonProperty("json_schema") JsonSchema jsonSchema) {
        public static ResponseFormat strict(String name, Map<String, Object> schema) {
            return new ResponseFormat("json_schema", new JsonSchema(name, true, schema));
        }
    }

    public record JsonSchema(String name, boolean strict, Map<String, Object> schema) {
    }
}
