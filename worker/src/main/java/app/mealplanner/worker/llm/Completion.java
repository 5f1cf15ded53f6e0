package app.mealplanner.worker.llm;

/**
 * A finished answer as the stream delivered it: its text (or refusal), why it ended, which model wrote it
 * and what it cost ({@code usage} is estimated from the text when the provider did not report it).
 */
public record Completion(String content, String refusal, String finishReason, String model, Usage usage,
        Provider provider) {

    /** Tokens of one call. */
    public record Usage(int promptTokens, int completionTokens, boolean reported) {
        public static final Usage NONE = new Usage(0, 0, false);
    }
}
