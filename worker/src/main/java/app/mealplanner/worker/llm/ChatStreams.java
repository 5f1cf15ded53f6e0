package app.mealplanner.worker.llm;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.tracing.TracingPolicy;

/**
 * Streams chat completions over the Vert.x HTTP client of Quarkus's managed Vert.x: {@code stream: true},
 * the status and headers read before the body (errors are classified from them), the body read as
 * server-sent events chunk by chunk as they arrive on the event loop, no thread waiting on a socket. The
 * reader enforces the time limits of a model that writes: the first token, the longest silence between
 * chunks and a total budget from the expected output size; a limit, a stall or a connection reset or
 * closed mid-answer fails the exchange as retryable. A refusal the provider's style explains (a field it
 * does not accept) is sent again once in the shape {@link ParameterRules} learns from it.
 */
@ApplicationScoped
public class ChatStreams {

    private static final Logger LOG = Logger.getLogger(ChatStreams.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Error bodies are short; a provider that sends more is cut here. */
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    /** A non-streamed answer (a server that ignores {@code stream}) or a page from a proxy, at most. */
    private static final int PLAIN_BODY_LIMIT = 4 * 1024 * 1024;
    /** Adjustments of one call's request shape (each field once). */
    private static final int MAX_ADJUSTMENTS = 4;

    private final Vertx vertx;
    private final HttpClient client;
    private final ModelConfig config;
    private final ParameterRules rules;
    private final ModelMetrics metrics;
    private final Tracer tracer;
    private final AtomicInteger open = new AtomicInteger();

    public ChatStreams(Vertx vertx, ModelConfig config, ParameterRules rules, ModelMetrics metrics, Tracer tracer) {
        this.vertx = vertx;
        this.config = config;
        this.rules = rules;
        this.metrics = metrics;
        this.tracer = tracer;
        // one HTTP/1.1 connection per call in flight, kept alive between calls (TLS handshakes are not free)
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(config.maxConcurrent())
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setDecompressionSupported(true)
                .setVerifyHost(true)
                // our own client span carries the job's trace; Quarkus's Vert.x tracing would start a new
                // trace for these requests (they run on a fresh event-loop context) and overwrite the header
                .setTracingPolicy(TracingPolicy.IGNORE));
        metrics.exchangesOpen(open);
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Sends {@code call} to {@code provider}; completes with a usable answer or fails with a {@link ModelException}. */
    public CompletionStage<Completion> send(Provider provider, ModelCall call) {
        return attempt(provider, call, new HashSet<>());
    }

    private CompletionStage<Completion> attempt(Provider provider, ModelCall call, Set<String> adjusted) {
        if (call.scope().cancelled()) {
            return CompletableFuture.failedFuture(new ModelException.Interrupted(null));
        }
        RequestShape shape = rules.shape(provider);
        Exchange exchange = new Exchange(provider, call, shape);
        return exchange.start().exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : failure;
            if (cause instanceof ShapeRefused refused && adjusted.size() < MAX_ADJUSTMENTS
                    && adjusted.add(refused.adjustment.parameter())) {
                metrics.adjustment(provider, refused.adjustment.parameter());
                return attempt(provider, call, adjusted);
            }
            if (cause instanceof ShapeRefused refused) {
                return CompletableFuture.failedFuture(refused.rejected);
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    /** A refusal {@link ParameterRules} knows how to avoid; never leaves this class. */
    private static final class ShapeRefused extends RuntimeException {
        final ParameterRules.Adjustment adjustment;
        final ModelException rejected;

        ShapeRefused(ParameterRules.Adjustment adjustment, ModelException rejected) {
            super(null, null, false, false);
            this.adjustment = adjustment;
            this.rejected = rejected;
        }
    }

    /**
     * One HTTP exchange. Everything after {@link #start()} runs on one Vert.x context (its event loop), so
     * the state needs no locks; a cancellation from the job's thread hops onto that context too.
     */
    private final class Exchange {

        private final Provider provider;
        private final ModelCall call;
        private final RequestShape shape;
        private final CompletableFuture<Completion> result = new CompletableFuture<>();
        private final Context context = vertx.getOrCreateContext();
        private final long started = System.nanoTime();
        private final StringBuilder content = new StringBuilder();
        private final StringBuilder refusal = new StringBuilder();
        private final StringBuilder data = new StringBuilder();
        private byte[] body;
        private Span span;
        private HttpClientRequest request;
        private Runnable deregister = () -> {
        };
        private long firstTokenTimer = -1;
        private long idleTimer = -1;
        private long budgetTimer = -1;
        private long firstTokenAt;
        private String finishReason;
        private String model;
        private JsonNode usage;
        private String eventName;
        private boolean done;
        private boolean counted;
        private boolean responseEnded;

        Exchange(Provider provider, ModelCall call, RequestShape shape) {
            this.provider = provider;
            this.call = call;
            this.shape = shape;
        }

        CompletableFuture<Completion> start() {
            try {
                body = JSON.writeValueAsBytes(shape.body(provider, call, config.temperature(),
                        config.reasoningEffort(), config.reasoningTokens()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a chat request always serialises", e);
            }
            span = tracer.spanBuilder("chat " + provider.model()).setSpanKind(SpanKind.CLIENT)
                    .setParent(call.trace() == null ? io.opentelemetry.context.Context.root() : call.trace())
                    .setAttribute("gen_ai.request.model", provider.model())
                    .setAttribute("menu.model.provider", provider.role())
                    .setAttribute("menu.model.purpose", call.purpose()).startSpan();
            open.incrementAndGet();
            deregister = call.scope().register(() -> context.runOnContext(v -> abort(
                    new ModelException.Interrupted(null))));
            context.runOnContext(v -> send());
            return result;
        }

        private void send() {
            if (result.isDone()) {
                return;
            }
            call.listener().started();
            long firstTokenMillis = (shape.reasoning() ? config.reasoningFirstTokenTimeout() : config.firstTokenTimeout())
                    .toMillis();
            firstTokenTimer = vertx.setTimer(firstTokenMillis, t -> abort(new ModelException.Unavailable("MODEL_TIMEOUT",
                    "no answer from the model within " + firstTokenMillis / 1000 + " s", null, null)));
            long budget = firstTokenMillis + 1000L * call.expectedTokens() / Math.max(1, config.minTokensPerSecond());
            budgetTimer = vertx.setTimer(budget, t -> abort(new ModelException.Unavailable("MODEL_TIMEOUT",
                    "the answer took longer than its budget of " + budget / 1000 + " s", null, null)));
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(provider.url())
                    .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaderNames.ACCEPT, "text/event-stream")
                    .putHeader(HttpHeaderNames.USER_AGENT, "meal-planner-worker")
                    .putHeader(provider.authHeaderName(), provider.authHeaderValue());
            W3CTraceContextPropagator.getInstance().inject(io.opentelemetry.context.Context.current().with(span),
                    options, (o, k, val) -> o.putHeader(k, val));
            client.request(options).onComplete(created -> {
                if (created.failed()) {
                    fail(transport(created.cause(), "cannot reach the model API"));
                    return;
                }
                request = created.result();
                if (result.isDone()) {
                    request.reset();
                    return;
                }
                request.exceptionHandler(e -> fail(transport(e, "the connection to the model API broke")));
                request.send(Buffer.buffer(body)).onComplete(sent -> {
                    if (sent.failed()) {
                        fail(transport(sent.cause(), "the connection to the model API broke"));
                    } else {
                        onResponse(sent.result());
                    }
                });
            });
        }

        private void onResponse(HttpClientResponse response) {
            if (result.isDone()) {
                return;
            }
            int status = response.statusCode();
            String type = String.valueOf(response.getHeader(HttpHeaderNames.CONTENT_TYPE)).toLowerCase(Locale.ROOT);
            response.exceptionHandler(e -> fail(transport(e, "the connection closed mid-answer")));
            if (status / 100 != 2) {
                collect(response, ERROR_BODY_LIMIT, text -> onError(status, response.headers(), text));
                return;
            }
            if (type.startsWith("text/event-stream")) {
                RecordParser lines = RecordParser.newDelimited("\n", this::onLine).maxRecordSize(1024 * 1024);
                lines.exceptionHandler(e -> abort(new ModelException.BadAnswer("MODEL_NOT_CHAT",
                        "the stream sent a line longer than 1 MiB")));
                response.handler(lines);
                response.endHandler(v -> {
                    responseEnded = true;
                    onEnd();
                });
                return;
            }
            // a server that ignores stream: true answers with one JSON chat completion; anything else is not one
            collect(response, PLAIN_BODY_LIMIT, text -> onPlainBody(type, text));
        }

        private void collect(HttpClientResponse response, int limit, java.util.function.Consumer<String> then) {
            Buffer buffer = Buffer.buffer();
            response.handler(chunk -> {
                if (buffer.length() + chunk.length() <= limit) {
                    buffer.appendBuffer(chunk);
                }
            });
            response.endHandler(v -> {
                responseEnded = true;
                then.accept(buffer.toString(StandardCharsets.UTF_8));
            });
        }

        private void onError(int status, MultiMap headers, String text) {
            ProviderError error = ProviderError.parse(status, text);
            ModelException failure = error.classify(provider, headers::get, Instant.now());
            if (failure instanceof ModelException.Rejected) {
                var adjustment = rules.adjust(provider, shape, error);
                if (adjustment.isPresent()) {
                    countError(failure.code());
                    finishSpan("refused " + adjustment.get().parameter());
                    settle(false);
                    result.completeExceptionally(new ShapeRefused(adjustment.get(), failure));
                    return;
                }
            }
            fail(failure);
        }

        private void onPlainBody(String type, String text) {
            if (type.startsWith("application/json")) {
                try {
                    JsonNode root = JSON.readTree(text);
                    JsonNode choice = root.path("choices").path(0);
                    if (choice.isObject() && choice.has("message")) {
                        JsonNode message = choice.get("message");
                        tokenArrived();
                        append(message.path("content"), content);
                        append(message.path("refusal"), refusal);
                        finishReason = textOrNull(choice.get("finish_reason"));
                        model = textOrNull(root.get("model"));
                        usage = root.get("usage");
                        done = true;
                        onEnd();
                        return;
                    }
                } catch (JsonProcessingException notJson) {
                    // reported below, as what it is
                }
            }
            String start = text.length() > 80 ? text.substring(0, 80) : text;
            fail(new ModelException.BadAnswer("MODEL_NOT_CHAT", "the model API answered 200 with " + type
                    + ", not a chat completion (it starts with \"" + start.replaceAll("\\s+", " ").strip()
                    + "\"); is OPENAI_BASE_URL the API, not a proxy's or a web page?"));
        }

        private void onLine(Buffer line) {
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                dispatch();
            } else if (text.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(text.startsWith("data: ") ? text.substring(6) : text.substring(5));
            } else if (text.startsWith("event:")) {
                eventName = text.substring(6).trim();
            }
            // comments (":") and other fields (id, retry) mean nothing here
        }

        private void dispatch() {
            if (data.isEmpty() || result.isDone()) {
                eventName = null;
                return;
            }
            String event = data.toString();
            data.setLength(0);
            String name = eventName;
            eventName = null;
            if (event.equals("[DONE]")) {
                done = true;
                return;
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(event);
            } catch (JsonProcessingException e) {
                abort(new ModelException.BadAnswer("MODEL_NOT_CHAT", "the stream sent an event that is not JSON"));
                return;
            }
            if (chunk.has("error") || "error".equals(name)) {
                // an error after the headers were sent: usually the server failing mid-answer
                ProviderError error = ProviderError.parse(errorStatus(chunk), event);
                abort(error.classify(provider, h -> null, Instant.now()));
                return;
            }
            if (chunk.hasNonNull("model") && !chunk.get("model").asText().isEmpty()) {
                model = chunk.get("model").asText();
            }
            if (chunk.hasNonNull("usage") && chunk.get("usage").isObject()) {
                usage = chunk.get("usage");
            }
            JsonNode choice = chunk.path("choices").path(0);
            if (!choice.isObject()) {
                return; // Azure's prompt filter results, the usage chunk
            }
            JsonNode delta = choice.path("delta");
            boolean text = append(delta.path("content"), content) | append(delta.path("refusal"), refusal)
                    | !delta.path("reasoning_content").asText("").isEmpty() | !delta.path("reasoning").asText("").isEmpty();
            if (text) {
                tokenArrived();
                if (delta.hasNonNull("content")) {
                    call.listener().content(delta.get("content").asText());
                }
            }
            String finish = textOrNull(choice.get("finish_reason"));
            if (finish != null) {
                finishReason = finish;
            }
        }

        private int errorStatus(JsonNode chunk) {
            JsonNode code = chunk.path("error").path("code");
            return code.isInt() && code.asInt() >= 400 ? code.asInt() : 500;
        }

        /** Text arrived: the first-token limit is met, the silence limit starts (again). */
        private void tokenArrived() {
            if (firstTokenAt == 0) {
                firstTokenAt = System.nanoTime();
                vertx.cancelTimer(firstTokenTimer);
                metrics.firstToken(provider, firstTokenAt - started);
            }
            vertx.cancelTimer(idleTimer);
            long idle = config.idleTimeout().toMillis();
            idleTimer = vertx.setTimer(idle, t -> abort(new ModelException.Unavailable("MODEL_STALLED",
                    "the model stopped writing for " + idle / 1000 + " s mid-answer", null, null)));
        }

        private void onEnd() {
            if (result.isDone()) {
                return;
            }
            if (!done && finishReason == null) {
                fail(new ModelException.Unavailable("MODEL_UNAVAILABLE",
                        "the model API closed the connection before the answer was complete", null, null));
                return;
            }
            Completion.Usage used = usage();
            countUsage(used);
            if (firstTokenAt > 0 && used.completionTokens() > 0) {
                double seconds = (System.nanoTime() - firstTokenAt) / 1e9;
                if (seconds > 0.05) {
                    metrics.outputSpeed(provider, used.completionTokens() / seconds);
                }
            }
            ModelException unusable = unusable();
            if (unusable != null) {
                fail(unusable);
                return;
            }
            finishSpan(null);
            metrics.call(provider, "ok", System.nanoTime() - started);
            settle(true);
            result.complete(new Completion(content.toString(), null, finishReason, model == null ? provider.model()
                    : model, used, provider));
        }

        /** Refusals, filtered and cut-off answers are bad answers, not menus (and no identical retry helps). */
        private ModelException unusable() {
            if (!refusal.isEmpty()) {
                return new ModelException.BadAnswer("MODEL_REFUSED", "the model refused to answer: "
                        + provider.redact(cut(refusal.toString())));
            }
            if ("content_filter".equals(finishReason)) {
                return new ModelException.BadAnswer("MODEL_CONTENT_FILTER",
                        "the provider's content filter stopped the answer");
            }
            if ("length".equals(finishReason)) {
                return new ModelException.BadAnswer("MODEL_TRUNCATED", "the answer was cut off at the output limit of "
                        + call.maxOutputTokens() + " tokens");
            }
            if (content.isEmpty()) {
                return new ModelException.BadAnswer("MODEL_EMPTY", "the model returned no text");
            }
            return null;
        }

        private Completion.Usage usage() {
            if (usage != null && usage.hasNonNull("completion_tokens")) {
                return new Completion.Usage(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0),
                        true);
            }
            // not reported (no stream_options, or the stream broke first): about four characters a token
            return new Completion.Usage(body.length / 4, (content.length() + refusal.length() + 3) / 4, false);
        }

        private void countUsage(Completion.Usage used) {
            if (!counted) {
                counted = true;
                metrics.tokens(provider, used);
                call.listener().usage(used);
            }
        }

        /** Stops the exchange from our side: closes the connection (which stops the provider writing and billing). */
        private void abort(ModelException failure) {
            fail(failure);
        }

        private void fail(ModelException failure) {
            if (result.isDone()) {
                return;
            }
            if (content.length() > 0 || firstTokenAt > 0) {
                countUsage(usage());
            }
            boolean cancelled = failure instanceof ModelException.Interrupted;
            if (!cancelled) {
                countError(failure.code()); // a cancellation is ours, not the provider's
            }
            metrics.call(provider, cancelled ? "cancelled" : failure.code(), System.nanoTime() - started);
            finishSpan(failure.code());
            settle(false);
            if (!cancelled) {
                LOG.infof("%s call to %s failed: %s: %s", call.purpose(), provider, failure.code(), failure.getMessage());
            }
            // the outcome first: closing the connection reports a failure of its own, which must not win
            result.completeExceptionally(failure);
            if (request != null && !responseEnded) {
                request.reset(); // stops the provider writing; never reuse a connection left mid-answer
            }
        }

        private void countError(String code) {
            metrics.error(provider, code);
        }

        private void settle(boolean ok) {
            vertx.cancelTimer(firstTokenTimer);
            vertx.cancelTimer(idleTimer);
            vertx.cancelTimer(budgetTimer);
            deregister.run();
            open.decrementAndGet();
        }

        private void finishSpan(String error) {
            if (error != null) {
                span.setStatus(StatusCode.ERROR, error);
            }
            span.end();
        }

        private ModelException transport(Throwable e, String what) {
            if (call.scope().cancelled()) {
                return new ModelException.Interrupted(e);
            }
            String reason = e instanceof ConnectException ? "connection refused" : rootMessage(e);
            return new ModelException.Unavailable("MODEL_UNAVAILABLE", what + ": " + reason, null, e);
        }
    }

    private static boolean append(JsonNode node, StringBuilder to) {
        if (node != null && node.isTextual() && !node.asText().isEmpty()) {
            to.append(node.asText());
            return true;
        }
        return false;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String cut(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
