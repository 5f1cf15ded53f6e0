package app.mealplanner.api.config;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Reads every request body on the event loop, whatever its framing (a length or chunked), before any
 * endpoint runs: at most {@link #MAX_BYTES} bytes, within {@code menu.http.body-timeout}. Our endpoints
 * block (JDBC) and RESTEasy Reactive would otherwise let a blocking endpoint read its body from a worker
 * thread, so a client that starts a body and stalls held one of those threads for as long as it liked
 * (205 stalled uploads took all 200 of them), and every chunk crossed threads under a shared monitor
 * (a third of the api's CPU in the enqueue benchmark, JFR: {@code VertxBlockingInput}). A body already
 * read is handed to the endpoint as a byte array instead.
 *
 * <p>Vert.x's {@link BodyHandler} does the reading and the size cap (413 at once for an announced length
 * over the limit, and as soon as a chunked body passes it); Vert.x has no deadline for a body, so a timer
 * here fails the request with 408 when the body is not complete in time. {@link EdgeProblems} turns both
 * into problem+json and closes the connection.
 */
@ApplicationScoped
public class BodyPreRead {

    /** The largest request body accepted; every legitimate one is far smaller (a menu request is under 2 KiB). */
    public static final long MAX_BYTES = 64 * 1024;

    @ConfigMapping(prefix = "menu.http")
    public interface Config {
        /** How long a client may take to send a request body once its headers arrived. */
        @WithDefault("10s")
        Duration bodyTimeout();
    }

    private static final String DEADLINE = BodyPreRead.class.getName() + ".deadline";

    private final BodyHandler reader = BodyHandler.create(false).setBodyLimit(MAX_BYTES).setPreallocateBodyBuffer(true);
    private final long timeoutMillis;

    public BodyPreRead(Config config) {
        this.timeoutMillis = config.bodyTimeout().toMillis();
    }

    // Before Quarkus' own upload-limit route (order -2) and everything else that may touch the body.
    void register(@Observes Filters filters) {
        filters.register(this::start, 30);
        filters.register(this::read, 20);
        filters.register(this::finish, 10);
    }

    private void start(RoutingContext context) {
        if (hasBody(context.request())) {
            long timer = context.vertx().setTimer(timeoutMillis, t -> {
                if (!context.failed() && !context.response().ended()) {
                    context.fail(408);
                }
            });
            context.put(DEADLINE, timer);
        }
        context.next();
    }

    private void read(RoutingContext context) {
        if (context.get(DEADLINE) != null) {
            reader.handle(context);
        } else {
            context.next();
        }
    }

    private void finish(RoutingContext context) {
        if (cancelDeadline(context) && context.body().buffer() == null) {
            // An empty chunked body leaves BodyHandler without a buffer, and RESTEasy would then wait for the
            // body on a worker thread until its read timeout: hand it the empty body (as BodyHandler does).
            ((RoutingContextInternal) context).setBody(Buffer.buffer());
        }
        context.next();
    }

    /**
     * Stops the body's deadline; called when the body is read and when the request failed. True when the
     * request was still reading its body.
     */
    static boolean cancelDeadline(RoutingContext context) {
        Long timer = context.remove(DEADLINE);
        if (timer != null) {
            context.vertx().cancelTimer(timer);
        }
        return timer != null;
    }

    /**
     * A request has a body when it is chunked or announces a length above zero (RFC 9112 §6.3); an empty one
     * is complete with its headers and needs no reading.
     */
    private static boolean hasBody(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            return true;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) != 0;
        } catch (NumberFormatException e) {
            return true; // the reader refuses it
        }
    }
}
