package app.mealplanner.api.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.api.error.Problem;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers the client errors that the HTTP layer finds before an endpoint runs with problem+json, like
 * every other error (the endpoints' own go through {@code ProblemMappers}): a body over the limit (413)
 * or too slow (408, both from {@link BodyPreRead}), an HTTP/1.1 request without {@code Host} (400,
 * RFC 9112 §3.2), a malformed body encoding (400), an unsupported {@code Expect} (417). These are the
 * client's mistakes, so they are not logged as errors; a client that goes away in the middle of its body
 * is not reported at all. When the body was still being read (408, 413, broken chunked framing) the
 * connection is closed after the answer: the rest of that body is never read.
 */
@ApplicationScoped
public class EdgeProblems {

    private static final Logger LOG = Logger.getLogger(EdgeProblems.class);

    private final ObjectMapper json;
    private final long timeoutSeconds;

    public EdgeProblems(ObjectMapper json, BodyPreRead.Config config) {
        this.json = json;
        this.timeoutSeconds = config.bodyTimeout().toSeconds();
    }

    void register(@Observes Router router) {
        // before Quarkus' own failure handler, which is the router's last route
        router.route().order(-100).failureHandler(this::handle);
    }

    // Vert.x refuses an HTTP/1.1 request without Host itself, but Quarkus' proxy support (on for
    // X-Forwarded-For) fills an empty one in first; so the check is made here, before anything else.
    void register(@Observes Filters filters) {
        filters.register(this::requireHost, 40);
    }

    private void requireHost(RoutingContext context) {
        HostAndPort authority = context.request().authority();
        if (context.request().version() == HttpVersion.HTTP_1_1
                && (authority == null || authority.host() == null || authority.host().isEmpty())) {
            context.fail(400, new VertxException("HTTP/1.1 requests must carry a Host header (RFC 9112 §3.2)", true));
        } else {
            context.next();
        }
    }

    void handle(RoutingContext context) {
        boolean readingBody = BodyPreRead.cancelDeadline(context);
        int status = context.statusCode();
        HttpServerResponse response = context.response();
        if (response.closed() || context.failure() instanceof HttpClosedException) {
            // the client went away (e.g. in the middle of its body): nobody to answer, nothing to report
            LOG.debugf("connection closed during %s %s", context.request().method(), context.request().path());
            return;
        }
        if (readingBody && (status < 400 || status > 499)) {
            status = 400; // the body's framing is broken (e.g. a chunk size that is not hexadecimal)
        }
        if (status < 400 || status > 499 || response.headWritten()) {
            context.next();
            return;
        }
        LOG.debugf(context.failure(), "%d for %s %s", status, context.request().method(), context.request().path());
        String title;
        String detail;
        switch (status) {
            case 408 -> {
                title = "Request Timeout";
                detail = "The request body did not arrive within " + timeoutSeconds + " s.";
            }
            case 413 -> {
                title = "Content Too Large";
                detail = "The request body is larger than " + BodyPreRead.MAX_BYTES + " bytes, the most the api accepts.";
            }
            case 417 -> {
                title = "Expectation Failed";
                detail = "Only Expect: 100-continue is supported.";
            }
            case 400 -> {
                title = "Bad Request";
                detail = readingBody ? "The request body could not be read: its framing is not valid HTTP."
                        : context.failure() instanceof VertxException e && e.getMessage() != null
                                ? e.getMessage()
                                : "The request is not valid HTTP.";
            }
            default -> {
                title = HttpResponseStatus.valueOf(status).reasonPhrase();
                detail = title + ".";
            }
        }
        String slug = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String body;
        try {
            body = json.writeValueAsString(new Problem("/problems/" + slug, title, status, detail,
                    context.request().path(), null, null));
        } catch (JsonProcessingException e) {
            context.next();
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (readingBody) {
            // what is left of the body is never read (408, 413, broken framing): end the connection after the answer
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            response.endHandler(v -> context.request().connection().close());
        }
        response.end(body);
    }
}
