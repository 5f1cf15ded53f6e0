package app.mealplanner.worker.llm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

/**
 * Reads an outline while it streams in: Jackson's non-blocking parser is fed each piece of text as it
 * arrives, and every complete day object of {@code {"days": [...]}} is handed on at once, so that day 1
 * can be written while the model is still naming the dinners of day 7. Text before the first brace (a
 * markdown fence from a server without structured output) is skipped; after malformed JSON it stops
 * reading, and the days it could not read count as missing. A new exchange (a retry) starts over.
 */
final class OutlineStream implements ModelCall.Listener {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Consumer<MenuPrompt.OutlineDay> onDay;
    private final Consumer<Completion.Usage> onUsage;
    private JsonParser parser;
    private ByteArrayFeeder feeder;
    private TokenBuffer day;
    private int depth;
    private boolean inDays;
    private boolean begun;
    private boolean broken;

    OutlineStream(Consumer<MenuPrompt.OutlineDay> onDay, Consumer<Completion.Usage> onUsage) {
        this.onDay = onDay;
        this.onUsage = onUsage;
    }

    @Override
    public synchronized void started() {
        try {
            parser = FACTORY.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        day = null;
        depth = 0;
        inDays = false;
        begun = false;
        broken = false;
    }

    @Override
    public synchronized void content(String delta) {
        if (broken || parser == null) {
            return;
        }
        String text = delta;
        if (!begun) {
            int brace = text.indexOf('{');
            if (brace < 0) {
                return;
            }
            begun = true;
            text = text.substring(brace);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            feeder.feedInput(bytes, 0, bytes.length);
            JsonToken token;
            while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
                read(token);
            }
        } catch (IOException | RuntimeException malformed) {
            broken = true;
        }
    }

    @Override
    public void usage(Completion.Usage usage) {
        onUsage.accept(usage);
    }

    private void read(JsonToken token) throws IOException {
        if (day != null) {
            day.copyCurrentEvent(parser);
        }
        switch (token) {
            case START_OBJECT, START_ARRAY -> {
                depth++;
                if (token == JsonToken.START_ARRAY && depth == 2 && "days".equals(parser.getParsingContext()
                        .getParent().getCurrentName())) {
                    inDays = true;
                } else if (token == JsonToken.START_OBJECT && inDays && depth == 3) {
                    day = new TokenBuffer(parser);
                    day.copyCurrentEvent(parser);
                }
            }
            case END_OBJECT, END_ARRAY -> {
                depth--;
                if (token == JsonToken.END_OBJECT && day != null && depth == 2) {
                    TokenBuffer complete = day;
                    day = null;
                    emit(complete);
                } else if (token == JsonToken.END_ARRAY && depth == 1) {
                    inDays = false;
                }
            }
            default -> {
                // values and field names are copied into the day being read, if any
            }
        }
    }

    private void emit(TokenBuffer complete) {
        MenuPrompt.OutlineDay outlineDay;
        try (JsonParser read = complete.asParser(JSON)) {
            outlineDay = JSON.readValue(read, MenuPrompt.OutlineDay.class);
        } catch (IOException | RuntimeException unreadable) {
            return; // a day object of the wrong shape: that day counts as missing
        }
        if (outlineDay.meals() != null) {
            onDay.accept(outlineDay);
        }
    }
}
