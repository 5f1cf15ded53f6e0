package app.mealplanner.api.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Reads small request bodies on the event loop before the endpoint runs. Our endpoints block (JDBC), and
 * RESTEasy Reactive lets a blocking endpoint read its body from the worker thread through a stream that
 * hands every chunk across threads under a shared monitor: under load the event loop spun on that monitor
 * for about a third of the api's CPU in the enqueue benchmark (JFR: {@code VertxBlockingInput}). A body
 * already read is handed to the endpoint as a byte array instead.
 *
 * <p>Only bodies that announce a length of at most {@link BodyLimit#MAX_BYTES} are read here; larger
 * ones reach {@link BodyLimit}, which refuses them with problem+json without reading them, and bodies
 * without a length keep the streaming path (capped by {@code quarkus.http.limits.max-body-size}).
 */
@ApplicationScoped
public class BodyPreRead {

    private final BodyHandler reader = BodyHandler.create(false).setBodyLimit(BodyLimit.MAX_BYTES)
            .setPreallocateBodyBuffer(true);

    void register(@Observes Filters filters) {
        filters.register(this::handle, 1);
    }

    void handle(RoutingContext context) {
        if (small(context.request())) {
            reader.handle(context);
        } else {
            context.next();
        }
    }

    private static boolean small(HttpServerRequest request) {
        HttpMethod method = request.method();
        if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
            return false;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return false;
        }
        try {
            long bytes = Long.parseLong(length.trim());
            return bytes > 0 && bytes <= BodyLimit.MAX_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
