package app.mealplanner.api.config;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Rejects strings with a NUL character while reading request bodies: PostgreSQL cannot store one in text
 * or jsonb, so such input must be a 400 for the client, not a database error.
 */
@Singleton
public class JsonStrings implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("reject-nul");
        module.addDeserializer(String.class, new StringDeserializer() {
            @Override
            public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String value = super.deserialize(p, ctx);
                if (value != null && value.indexOf('\u0000') >= 0) {
                    return (String) ctx.handleWeirdStringValue(String.class, value, "must not contain NUL characters");
                }
                return value;
            }
        });
        mapper.registerModule(module);
    }
}
