package app.mealplanner.api.error;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import app.mealplanner.api.config.StrictJson;
import app.mealplanner.common.db.DatabaseException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * The one place where failures become responses: every error is {@code application/problem+json}
 * (RFC 9457), bad input is a 400 naming its fields, and nothing internal (stack trace, SQL) leaves.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String TYPE_BASE = "/problems/";

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        Response.ResponseBuilder response = Response.status(e.status()).type(Problem.MEDIA_TYPE)
                .entity(new Problem(TYPE_BASE + e.slug(), e.title(), e.status(), e.getMessage(), path(uri), e.errors(),
                        e.activeJobId()));
        e.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(field(v.getPropertyPath()), v.getMessage()));
        }
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        return problem(400, "validation", "Invalid request", "The request has invalid fields.", uri, errors);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return badJson(e, uri);
    }

    // Quarkus ships mappers for these two; naming them here makes ours the closest match.
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return badJson(e, uri);
    }

    @ServerExceptionMapper
    public Response unrecognizedProperty(UnrecognizedPropertyException e, UriInfo uri) {
        return badJson(e, uri);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e, UriInfo uri) {
        return badJson(e, uri);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated(uri, "A valid bearer token is required.");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated(uri, "The bearer token is invalid or expired.");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return problem(403, "forbidden", "Forbidden", "You may not do this.", uri, null);
    }

    @ServerExceptionMapper
    public Response database(DatabaseException e, UriInfo uri) {
        return e.unavailable() ? unavailable(e, uri) : internal(e, uri);
    }

    private Response unavailable(Throwable e, UriInfo uri) {
        LOG.warnf("database unavailable: %s", e.getMessage());
        return Response.fromResponse(problem(503, "unavailable", "Service Unavailable",
                "The database is not reachable; try again shortly.", uri, null)).header("Retry-After", "5").build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return badJson(json, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed here.";
            case 406 -> "The requested media type is not available.";
            case 413 -> "The request body is too large.";
            case 415 -> "Send application/json.";
            default -> title + ".";
        };
        return problem(status, slugOf(title), title, detail, uri, null);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        // Hibernate and the transaction manager wrap the driver's and the pool's exceptions
        return DatabaseException.causedByUnavailableDatabase(e) ? unavailable(e, uri) : internal(e, uri);
    }

    private Response internal(Throwable e, UriInfo uri) {
        UUID incident = UUID.randomUUID();
        LOG.errorf(e, "unexpected failure on %s (incident %s)", path(uri), incident);
        return problem(500, "internal", "Internal Server Error",
                "Something went wrong on our side (incident " + incident + ").", uri, null);
    }

    private Response badJson(JsonProcessingException e, UriInfo uri) {
        String field = e instanceof JsonMappingException m ? fieldOf(m.getPath()) : null;
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            field = fieldOf(u.getPath());
            message = "unknown field";
        } else if (e instanceof StrictJson.UnstorableText text) {
            message = text.getOriginalMessage();
        } else if (e instanceof ValueInstantiationException || e instanceof InvalidFormatException) {
            Throwable cause = e.getCause();
            message = cause instanceof IllegalArgumentException && cause.getMessage() != null
                    ? cause.getMessage()
                    : e instanceof MismatchedInputException m ? expected(m.getTargetType()) : "invalid value";
        } else if (e instanceof MismatchedInputException mismatch) {
            message = field == null || field.isEmpty() ? "must be one JSON object and nothing after it"
                    : expected(mismatch.getTargetType());
        } else if (e instanceof JsonParseException) {
            message = "malformed JSON";
        } else {
            message = "unreadable JSON";
        }
        List<Problem.FieldError> errors = List.of(new Problem.FieldError(field == null || field.isEmpty()
                ? "body" : field, message));
        return problem(400, "malformed", "Malformed request", "The request body is not a valid request.", uri, errors);
    }

    /** What a value of this type must look like in JSON, for a value of another type. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be a whole number";
        }
        if (type == String.class || (type != null && type.isEnum())) {
            return "must be a string";
        }
        if (type != null && java.util.Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        return "wrong type";
    }

    private static Response unauthenticated(UriInfo uri, String detail) {
        return Response.fromResponse(problem(401, "unauthorized", "Unauthorized", detail, uri, null))
                .header("WWW-Authenticate", "Bearer").build();
    }

    static Response problem(int status, String slug, String title, String detail, UriInfo uri,
            List<Problem.FieldError> errors) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(TYPE_BASE + slug, title, status, detail, path(uri), errors, null)).build();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }

    private static String slugOf(String title) {
        return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /** "create.request.meals[1].<list element>" → "meals[1]": the path as the client wrote it. */
    static String field(Path path) {
        StringBuilder out = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER
                    || node.getKind() == ElementKind.RETURN_VALUE) {
                continue;
            }
            if (node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                if (node.getIndex() != null) {
                    out.append('[').append(node.getIndex()).append(']');
                }
                continue;
            }
            if (node.getName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(node.getName());
            }
            if (node.getIndex() != null) {
                out.append('[').append(node.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "body" : out.toString();
    }

    private static String fieldOf(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }
}
