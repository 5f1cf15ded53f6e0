package app.mealplanner.api.error;

import java.util.Map;
import java.util.UUID;

/** A failure the api answers on purpose, with its status and problem type; thrown by services. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final UUID activeJobId;
    private final Map<String, String> headers;
    private java.util.List<Problem.FieldError> errors;

    public ApiException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null, Map.of());
    }

    public ApiException(int status, String slug, String title, String detail, UUID activeJobId,
            Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.activeJobId = activeJobId;
        this.headers = headers;
    }

    /** A 400 naming the offending field, like a body validation error. */
    public static ApiException invalid(String field, String message) {
        ApiException e = new ApiException(400, "validation", "Invalid request", "The request has invalid fields.");
        e.errors = java.util.List.of(new Problem.FieldError(field, message));
        return e;
    }

    public java.util.List<Problem.FieldError> errors() {
        return errors;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not-found", "Not Found", what + " does not exist");
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public UUID activeJobId() {
        return activeJobId;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
