package app.mealplanner.api.config;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import app.mealplanner.api.error.Problem;

/**
 * Refuses a body announced larger than {@value #MAX_BYTES} bytes with 413 problem+json before it is read.
 * Every legitimate request is far smaller (a menu request is under 2 KiB). Bodies without a length are
 * capped by {@code quarkus.http.limits.max-body-size}.
 */
public class BodyLimit {

    public static final long MAX_BYTES = 64 * 1024;

    @ServerRequestFilter(preMatching = true, priority = 10)
    public Response check(ContainerRequestContext request) {
        String length = request.getHeaderString("Content-Length");
        if (length == null) {
            return null;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return null; // the HTTP layer rejects a malformed length itself
        }
        if (bytes <= MAX_BYTES) {
            return null;
        }
        return Response.status(413).type(Problem.MEDIA_TYPE).header("Connection", "close")
                .entity(new Problem("/problems/payload-too-large", "Content Too Large", 413,
                        "The request body is " + bytes + " bytes; the api accepts at most " + MAX_BYTES + ".",
                        request.getUriInfo().getPath(), null, null))
                .build();
    }
}
