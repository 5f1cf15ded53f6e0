package app.mealplanner.worker.llm;

import java.util.List;
import java.util.Map;

import io.opentelemetry.context.Context;

/**
 * One request for a part of a menu (the outline, a day, a repair): the conversation, the JSON schema of
 * the answer, how many output tokens it should take (which sizes its output limit and its time budget),
 * the job's {@link CallScope} (cancelling the job closes the call) and a listener that sees the answer
 * as it streams.
 */
public record ModelCall(String purpose, String schemaName, Map<String, Object> schema,
        List<ChatRequest.Message> messages, int expectedTokens, CallScope scope, Listener listener, Context trace) {

    /** Sees an answer as it arrives; called on the HTTP client's event loop, so it must not block. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** A new exchange begins (the first, or a retry after a failed one): forget what came before. */
        default void started() {
        }

        /** The next piece of the answer's text. */
        default void content(String delta) {
        }

        /** What an exchange cost, reported (or estimated) once per exchange, also when it failed. */
        default void usage(Completion.Usage usage) {
        }
    }

    /** The output limit sent to the provider: twice what the part should take, so that only a runaway is cut. */
    public int maxOutputTokens() {
        return expectedTokens * 2 + 200;
    }
}
