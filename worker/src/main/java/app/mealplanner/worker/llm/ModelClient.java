package app.mealplanner.worker.llm;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CustomBackoff;

/**
 * One chat completion under fault tolerance: bounded in time, retried only when a retry can help (and
 * after the wait the provider asked for), behind a circuit breaker named {@code model} so that a failing
 * provider is not hammered, and within a bulkhead bounding concurrent model calls per worker. Every value
 * is in application.properties. No database connection is held here.
 */
@ApplicationScoped
public class ModelClient {

    private static final Logger LOG = Logger.getLogger(ModelClient.class);

    private final OpenAiApi api;
    private final ModelConfig config;
    private final MeterRegistry metrics;

    public ModelClient(@RestClient OpenAiApi api, ModelConfig config, MeterRegistry metrics) {
        this.api = api;
        this.config = config;
        this.metrics = metrics;
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 1000, maxDuration = 180_000,
            retryOn = { ModelException.Unavailable.class, org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException.class },
            abortOn = { ModelException.Rejected.class, ModelException.Interrupted.class })
    @CustomBackoff(RetryAfterBackoff.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30_000, successThreshold = 2,
            skipOn = { ModelException.Rejected.class, ModelException.Interrupted.class, ModelException.BadAnswer.class })
    @CircuitBreakerName("model")
    @Bulkhead(64)
    public ChatCompletion complete(List<ChatRequest.Message> messages, java.util.Map<String, Object> schema) {
        ChatRequest request = new ChatRequest(config.name(), messages,
                ChatRequest.ResponseFormat.strict("meal_plan", schema), config.temperature(), config.maxTokens());
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "error";
        try (Response response = call(request)) {
            int status = response.getStatus();
            if (status / 100 == 2) {
                ChatCompletion completion = response.readEntity(ChatCompletion.class);
                outcome = "ok";
                countTokens(completion);
                return completion;
            }
            ModelException failure = classify(response);
            outcome = failure.code();
            throw failure;
        } catch (ProcessingException | io.vertx.core.VertxException e) {
            // the connection broke while the answer was being read (closed or reset by the server)
            ModelException failure = transportFailure(e);
            outcome = failure.code();
            metrics.counter("menu.model.errors", "code", failure.code()).increment();
            throw failure;
        } catch (ModelException e) {
            metrics.counter("menu.model.errors", "code", e.code()).increment();
            throw e;
        } finally {
            sample.stop(metrics.timer("menu.model.call", "outcome", outcome));
        }
    }

    private Response call(ChatRequest request) {
        try {
            return api.complete("Bearer " + config.apiKey().orElse(""), request);
        } catch (jakarta.ws.rs.WebApplicationException e) {
            // the REST client's default mapper turns >= 400 into this; the response is what we classify
            return e.getResponse();
        } catch (ProcessingException | io.vertx.core.VertxException e) {
            throw transportFailure(e);
        }
    }

    /**
     * A call that broke below HTTP: our interruption (the job is being cancelled or the worker stops), or
     * the model's side refusing, resetting or closing the connection, which is worth another try.
     */
    private static ModelException transportFailure(RuntimeException e) {
        if (Thread.currentThread().isInterrupted() || causedBy(e, InterruptedException.class)
                || causedBy(e, InterruptedIOException.class) && Thread.interrupted()) {
            Thread.currentThread().interrupt();
            return new ModelException.Interrupted(e);
        }
        return new ModelException.Unavailable("MODEL_UNAVAILABLE", "cannot reach the model API: "
                + rootMessage(e), null, e);
    }

    /** Turns an error response into what a retry, the breaker and the job should make of it. */
    ModelException classify(Response response) {
        int status = response.getStatus();
        String code = errorCode(response);
        if (status == 429 && ("insufficient_quota".equals(code) || "credit_balance_exhausted".equals(code))) {
            return new ModelException.Rejected("MODEL_QUOTA", "The model provider reports that the quota is used up.");
        }
        if (status == 401 || status == 403) {
            return new ModelException.Rejected("MODEL_AUTH", "The model provider refused the API key (HTTP " + status + ").");
        }
        if (status == 400 || status == 404 || status == 422) {
            return new ModelException.Rejected("MODEL_REQUEST", "The model provider refused the request (HTTP "
                    + status + "); check OPENAI_BASE_URL and OPENAI_MODEL.");
        }
        if (status == 408 || status == 409 || status == 429 || status >= 500) {
            String slug = status == 429 ? "MODEL_RATE_LIMITED" : "MODEL_UNAVAILABLE";
            return new ModelException.Unavailable(slug, "the model API answered HTTP " + status
                    + (code == null ? "" : " (" + code + ")"), retryAfter(response).orElse(null), null);
        }
        return new ModelException.Rejected("MODEL_REQUEST", "The model API answered HTTP " + status + ".");
    }

    private static String errorCode(Response response) {
        try {
            ChatCompletion.ErrorBody body = response.readEntity(ChatCompletion.ErrorBody.class);
            return body == null || body.error() == null ? null
                    : body.error().code() != null ? body.error().code() : body.error().type();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Retry-After (seconds or an HTTP date is rare here: seconds only) or OpenAI's x-ratelimit-reset-*. */
    static Optional<Duration> retryAfter(Response response) {
        String retryAfter = response.getHeaderString("Retry-After");
        if (retryAfter != null) {
            try {
                return Optional.of(Duration.ofMillis((long) (Double.parseDouble(retryAfter.trim()) * 1000)));
            } catch (NumberFormatException e) {
                LOG.debugf("ignoring Retry-After '%s'", retryAfter);
            }
        }
        Duration longest = null;
        for (String header : List.of("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens")) {
            Duration d = parseResetDuration(response.getHeaderString(header));
            if (d != null && (longest == null || d.compareTo(longest) > 0)) {
                longest = d;
            }
        }
        return Optional.ofNullable(longest);
    }

    /** OpenAI's reset format: "1s", "6m0s", "9ms", "1h2m3.5s". */
    static Duration parseResetDuration(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        var matcher = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)").matcher(value.trim());
        double millis = 0;
        boolean any = false;
        while (matcher.find()) {
            any = true;
            double n = Double.parseDouble(matcher.group(1));
            millis += switch (matcher.group(2)) {
                case "h" -> n * TimeUnit.HOURS.toMillis(1);
                case "m" -> n * TimeUnit.MINUTES.toMillis(1);
                case "s" -> n * 1000;
                default -> n;
            };
        }
        return any ? Duration.ofMillis((long) millis) : null;
    }

    private void countTokens(ChatCompletion completion) {
        if (completion.usage() != null) {
            if (completion.usage().promptTokens() != null) {
                metrics.counter("menu.model.tokens", "type", "prompt").increment(completion.usage().promptTokens());
            }
            if (completion.usage().completionTokens() != null) {
                metrics.counter("menu.model.tokens", "type", "completion")
                        .increment(completion.usage().completionTokens());
            }
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
