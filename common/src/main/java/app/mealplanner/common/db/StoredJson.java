package app.mealplanner.common.db;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.type.descriptor.WrapperOptions;
import org.hibernate.type.descriptor.java.JavaType;
import org.hibernate.type.format.FormatMapper;
import org.hibernate.type.format.jackson.JacksonJsonFormatMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.hibernate.orm.JsonFormat;
import io.quarkus.hibernate.orm.PersistenceUnitExtension;

/**
 * How the JSONB columns (a job's request, a menu's body, a stored day) are written and read: a mapper of
 * their own, not the REST one. The api's REST mapper refuses unknown fields (StrictJson), which is right
 * for a client's request and wrong for a row an older or newer version of the application wrote; a stored
 * document is read leniently and written the way the application always wrote it (dates as ISO text).
 */
@JsonFormat
@PersistenceUnitExtension
@ApplicationScoped
public class StoredJson implements FormatMapper {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final FormatMapper delegate = new JacksonJsonFormatMapper(MAPPER);

    /** A document as Hibernate writes it into a JSONB column, for a native statement that binds it as text. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A document as Hibernate reads it from a JSONB column, for a native statement that returns it as text. */
    public static <T> T read(String text, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read a stored " + type.getSimpleName(), e);
        }
    }

    @Override
    public <T> T fromString(CharSequence text, JavaType<T> javaType, WrapperOptions options) {
        return delegate.fromString(text, javaType, options);
    }

    @Override
    public <T> String toString(T value, JavaType<T> javaType, WrapperOptions options) {
        return delegate.toString(value, javaType, options);
    }
}
