package app.mealplanner.worker.llm;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The parts of a chat completion we use; anything else a provider sends is ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletion(String model, List<Choice> choices, Usage usage) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Choice(Message message, @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, String content, String refusal) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Usage(@JsonProperty("prompt_tokens") Integer promptTokens,
            @JsonProperty("completion_tokens") Integer completionTokens) {
    }

    /** The error body OpenAI-compatible servers send with 4xx/5xx. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ErrorBody(Error error) {
        @JsonIgnoreProperties(ignoreUnknown = true)
        public record Error(String message, String type, String code) {
        }
    }
}
