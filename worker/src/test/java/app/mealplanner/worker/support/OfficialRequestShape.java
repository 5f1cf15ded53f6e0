package app.mealplanner.worker.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** Checks a request body against the official chat-completions request shape (test resource, see its comment). */
public final class OfficialRequestShape {

    private static final JsonSchema SCHEMA = load();

    private OfficialRequestShape() {
    }

    /** What is wrong with {@code body}; empty when it has the official shape. */
    public static Set<ValidationMessage> violations(JsonNode body) {
        return SCHEMA.validate(body);
    }

    private static JsonSchema load() {
        try (InputStream in = OfficialRequestShape.class.getResourceAsStream("/openai/chat-completions-request.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
