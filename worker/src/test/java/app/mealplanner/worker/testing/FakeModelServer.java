package app.mealplanner.worker.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * A stand-in for an OpenAI-compatible model API that behaves like the real ones: it streams
 * {@code chat.completion.chunk} server-sent events at a set output speed (60 tokens per second by default,
 * about 4 characters a token, after a first-token delay), writes recipes of realistic size, and answers
 * with the providers' own error bodies and headers. It can act as OpenAI's reasoning models (refusing
 * {@code max_tokens} and temperatures other than 1), as a server with a small context (vLLM), as Azure
 * OpenAI (api-key header, deployment path, api-version, retry-after-ms, content filter), as a server
 * without structured output, or as a provider that is down; and, call by call, it can rate-limit with
 * every header form, stall, reset or close mid-answer, send an HTML page, filter, truncate, refuse or slip
 * an allergen into a recipe. It records every request and when a client closed a stream.
 *
 * <p>For tests (worker, deploy), the benchmarks, and trying the model path locally:
 * <pre>bench/fake-model.sh [--port 9999] [--tokens-per-second 60] [--first-token 400ms] [--reasoning] [--azure]</pre>
 */
public final class FakeModelServer implements AutoCloseable {

    public static final String AZURE_KEY = "azure-fake-key";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** What a fault rule sees of a call. */
    public record Call(String task, int day, boolean repair) {
    }

    /** One request as it arrived. */
    public record Received(Instant at, String path, Map<String, String> headers, JsonNode body, Call call) {
    }

    /** An answered call: what it was, when its last byte went out and how long it took from the request. */
    public record CallTime(Call call, Instant finished, long millis) {
    }

    /** A stream the client closed before it was finished, and when. */
    public record ClientClosed(Instant at, Call call, int charsSent) {
    }

    private record Rule(Predicate<Call> match, FakeFault fault, AtomicInteger left) {
    }

    /** How a stream ends. */
    private record Plan(String content, String refusal, String finishReason, int stopAfter, String end) {
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final FakeAnswers answers = new FakeAnswers();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<ClientClosed> closed = new CopyOnWriteArrayList<>();
    private final Set<String> traceIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final List<CallTime> callTimes = new CopyOnWriteArrayList<>();

    private volatile double tokensPerSecond;
    private volatile Duration firstToken;
    private volatile int tokensPerChunk;
    private final int charsPerToken = 4;
    private volatile boolean reasoning;
    private volatile int contextLimit;
    private volatile boolean vllmErrors;
    private volatile String azureDeployment;
    private volatile boolean noJsonSchema;
    private volatile boolean lmStudio;
    private volatile int downStatus;
    private volatile boolean chaos;
    private volatile String requiredKey;
    private final boolean record;

    private FakeModelServer(Builder b) {
        this.tokensPerSecond = b.tokensPerSecond;
        this.firstToken = b.firstToken;
        this.tokensPerChunk = b.tokensPerChunk;
        this.reasoning = b.reasoning;
        this.azureDeployment = b.azureDeployment;
        this.chaos = b.chaos;
        this.record = b.record;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(b.eventLoops));
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(b.port)
                .setIdleTimeout(0).setAcceptBacklog(4096));
        server.requestHandler(this::handle);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the fake model could not listen on port " + b.port, e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a fake model; every one has a realistic default. */
    public static final class Builder {
        private int port;
        private double tokensPerSecond = 60;
        private Duration firstToken = Duration.ofMillis(400);
        private int tokensPerChunk = 1;
        private boolean reasoning;
        private String azureDeployment;
        private boolean chaos;
        private int eventLoops = 2;
        private boolean record = true;

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Output speed; realistic hosted models write 50–150 tokens per second. */
        public Builder tokensPerSecond(double tokensPerSecond) {
            this.tokensPerSecond = tokensPerSecond;
            return this;
        }

        public Builder firstToken(Duration firstToken) {
            this.firstToken = firstToken;
            return this;
        }

        /** Tokens per SSE chunk (1 like OpenAI; more to spare CPU when thousands of streams run at once). */
        public Builder tokensPerChunk(int tokensPerChunk) {
            this.tokensPerChunk = tokensPerChunk;
            return this;
        }

        public Builder reasoning(boolean reasoning) {
            this.reasoning = reasoning;
            return this;
        }

        /** Serve as Azure OpenAI with this deployment (key {@link #AZURE_KEY}). */
        public Builder azure(String deployment) {
            this.azureDeployment = deployment;
            return this;
        }

        /** Misbehave at random on every call, the ways real providers do. */
        public Builder chaos(boolean chaos) {
            this.chaos = chaos;
            return this;
        }

        /** Keep every request (for tests); off for long benchmarks, which only need the call times. */
        public Builder record(boolean record) {
            this.record = record;
            return this;
        }

        public Builder eventLoops(int eventLoops) {
            this.eventLoops = eventLoops;
            return this;
        }

        public FakeModelServer start() {
            return new FakeModelServer(this);
        }
    }

    public static void main(String[] args) throws Exception {
        Builder b = builder().port(9999);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> b.port(Integer.parseInt(args[++i]));
                case "--tokens-per-second" -> b.tokensPerSecond(Double.parseDouble(args[++i]));
                case "--tokens-per-chunk" -> b.tokensPerChunk(Integer.parseInt(args[++i]));
                case "--first-token" -> b.firstToken(Duration.parse("PT" + args[++i].toUpperCase(Locale.ROOT)));
                case "--reasoning" -> b.reasoning(true);
                case "--azure" -> b.azure(args[++i]);
                case "--chaos" -> b.chaos(true);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        FakeModelServer fake = b.start();
        System.out.printf("fake model on http://localhost:%d/v1 writing %.0f tokens/s after %d ms%s%s%n", fake.port(),
                fake.tokensPerSecond, fake.firstToken.toMillis(), fake.reasoning ? ", as a reasoning model" : "",
                fake.azureDeployment != null ? ", as Azure deployment " + fake.azureDeployment : "");
        // a stream the client closes before its end is worth seeing: a cancelled job must stop the model writing.
        // This command-line fake has nothing else to do on its main thread: it looks at the list ten times a
        // second, which is as soon as a person at the terminal can tell.
        for (int reported = 0;; Thread.sleep(100)) {
            List<ClientClosed> gone = fake.closedByClient();
            for (ClientClosed c : gone.subList(reported, gone.size())) {
                System.out.printf("%s client closed a %s stream%s mid-answer after %d chars%n", c.at(), c.call().task(),
                        c.call().day() > 0 ? " (day " + c.call().day() + ")" : "", c.charsSent());
            }
            reported = gone.size();
        }
    }

    // ---- behaviour, changeable while running -----------------------------------------------------------

    /** The next {@code times} calls that {@code match} get {@code fault}; rules are tried in the order given. */
    public FakeModelServer on(Predicate<Call> match, FakeFault fault, int times) {
        rules.add(new Rule(match, fault, new AtomicInteger(times)));
        return this;
    }

    /** The next {@code n} calls answer 503 with OpenAI's overloaded-server error body, as a provider outage does. */
    public void failNextCalls(int n) {
        on(anyCall(), new FakeFault.ServerError(503), n);
    }

    public static Predicate<Call> anyCall() {
        return c -> true;
    }

    public static Predicate<Call> outlineCalls() {
        return c -> c.task().equals("outline");
    }

    public static Predicate<Call> dayCalls(int day) {
        return c -> c.task().equals("day") && c.day() == day;
    }

    public static Predicate<Call> dayCalls() {
        return c -> c.task().equals("day");
    }

    /** Act as one of OpenAI's reasoning models. */
    public FakeModelServer reasoning(boolean on) {
        reasoning = on;
        return this;
    }

    /** Refuse requests whose prompt plus output limit exceed {@code tokens}, in vLLM's error shape when {@code vllm}. */
    public FakeModelServer contextLimit(int tokens, boolean vllm) {
        contextLimit = tokens;
        vllmErrors = vllm;
        return this;
    }

    /** Refuse {@code response_format: json_schema} (an older model), or, as LM Studio, {@code json_object}. */
    public FakeModelServer withoutJsonSchema(boolean asLmStudio) {
        noJsonSchema = !asLmStudio;
        lmStudio = asLmStudio;
        return this;
    }

    /** Answer every call with this status (503: overloaded), or 0 to serve again. */
    public FakeModelServer down(int status) {
        downStatus = status;
        return this;
    }

    /** Only this bearer key is accepted (401 with OpenAI's body otherwise). */
    public FakeModelServer requireKey(String key) {
        requiredKey = key;
        return this;
    }

    public FakeModelServer tokensPerSecond(double rate) {
        tokensPerSecond = rate;
        return this;
    }

    public FakeModelServer firstToken(Duration delay) {
        firstToken = delay;
        return this;
    }

    /** Forgets rules, recordings and behaviours (the speed stays). */
    public FakeModelServer reset() {
        rules.clear();
        received.clear();
        calls.set(0);
        closed.clear();
        callTimes.clear();
        reasoning = false;
        contextLimit = 0;
        noJsonSchema = false;
        lmStudio = false;
        downStatus = 0;
        requiredKey = null;
        return this;
    }

    // ---- what happened -----------------------------------------------------------------------------

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + (azureDeployment == null ? "/v1" : "");
    }

    public long calls() {
        return calls.get();
    }

    public List<Received> requests() {
        return List.copyOf(received);
    }

    public List<Received> requests(Predicate<Call> match) {
        return received.stream().filter(r -> match.test(r.call())).toList();
    }

    /** Streams open right now. */
    public int openStreams() {
        return open.get();
    }

    public List<ClientClosed> closedByClient() {
        return List.copyOf(closed);
    }

    /** The trace ids of the W3C traceparent headers the calls carried. */
    public Set<String> traceIds() {
        return traceIds;
    }

    /** Every answered call, with how long it took from its request to its last byte. */
    public List<CallTime> callTimes() {
        return List.copyOf(callTimes);
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }

    // ---- serving -----------------------------------------------------------------------------------

    private void handle(HttpServerRequest req) {
        req.body().onComplete(read -> {
            if (read.failed()) {
                return;
            }
            JsonNode body;
            try {
                body = FakeAnswers.JSON.readTree(read.result().toString());
            } catch (Exception e) {
                error(req, 400, "{\"error\":{\"message\":\"We could not parse the JSON body of your request.\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}", Map.of());
                return;
            }
            FakeAnswers.Task task = FakeAnswers.task(body);
            Call call = new Call(task.kind(), task.data() == null ? 0 : task.day(), task.repair());
            Map<String, String> headers = new LinkedHashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            if (record) {
                received.add(new Received(Instant.now(), req.uri(), headers, body, call));
            }
            calls.incrementAndGet();
            String traceparent = headers.get("traceparent");
            if (traceparent != null && traceparent.split("-").length == 4) {
                traceIds.add(traceparent.split("-")[1]);
            }
            serve(req, body, task, call);
        });
    }

    private void serve(HttpServerRequest req, JsonNode body, FakeAnswers.Task task, Call call) {
        if (!authorised(req)) {
            return;
        }
        if (downStatus > 0) {
            error(req, downStatus, openAiError("The server is overloaded or not ready yet.", "server_error", null, null),
                    Map.of());
            return;
        }
        if (!acceptsParameters(req, body) || !fitsContext(req, body)) {
            return;
        }
        FakeFault fault = faultFor(call);
        if (fault == null && chaos) {
            fault = chaosFault();
        }
        if (fault != null && failsAtOnce(req, fault)) {
            return;
        }
        FakeFault chosen = fault;
        vertx.<String>executeBlocking(() -> answers.answer(task), false).onComplete(done -> {
            String answer = done.succeeded() ? done.result() : null;
            Plan plan = plan(answer, chosen);
            long started = System.nanoTime();
            if (body.path("stream").asBoolean(false)) {
                new Stream(req, body, call, plan, started).start();
            } else {
                whole(req, body, call, plan, started);
            }
        });
    }

    private boolean authorised(HttpServerRequest req) {
        if (azureDeployment != null) {
            String expected = "/openai/deployments/" + azureDeployment + "/chat/completions";
            if (!req.path().equals(expected) || req.getParam("api-version") == null) {
                error(req, 404, "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for this "
                        + "resource does not exist. If you created the deployment within the last 5 minutes, please wait "
                        + "a moment and try again.\"}}", Map.of());
                return false;
            }
            if (!AZURE_KEY.equals(req.getHeader("api-key"))) {
                error(req, 401, "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription "
                        + "key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use "
                        + "a correct regional API endpoint for your resource.\"}}", Map.of());
                return false;
            }
            return true;
        }
        if (!req.path().equals("/v1/chat/completions")) {
            error(req, 404, openAiError("Invalid URL (POST " + req.path() + ")", "invalid_request_error", null, null),
                    Map.of());
            return false;
        }
        String key = requiredKey;
        if (key != null && !("Bearer " + key).equals(req.getHeader("Authorization"))) {
            error(req, 401, openAiError("Incorrect API key provided: sk-wrong*****key. You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key"),
                    Map.of());
            return false;
        }
        return true;
    }

    /** The refusals of reasoning models and of servers without some fields, one at a time as the real ones. */
    private boolean acceptsParameters(HttpServerRequest req, JsonNode body) {
        if (reasoning && body.has("max_tokens")) {
            error(req, 400, openAiError("Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                    + "'max_completion_tokens' instead.", "invalid_request_error", "max_tokens", "unsupported_parameter"),
                    Map.of());
            return false;
        }
        if (reasoning && body.has("temperature") && body.get("temperature").asDouble() != 1.0) {
            error(req, 400, openAiError("Unsupported value: 'temperature' does not support "
                    + body.get("temperature").asText() + " with this model. Only the default (1) value is supported.",
                    "invalid_request_error", "temperature", "unsupported_value"), Map.of());
            return false;
        }
        String format = body.path("response_format").path("type").asText("");
        if (noJsonSchema && format.equals("json_schema")) {
            error(req, 400, openAiError("Invalid parameter: 'response_format' of type 'json_schema' is not supported "
                    + "with this model. Learn more about supported models at the Structured Outputs guide: "
                    + "https://platform.openai.com/docs/guides/structured-outputs", "invalid_request_error", null, null),
                    Map.of());
            return false;
        }
        if (lmStudio && format.equals("json_object")) {
            error(req, 400, "{\"error\":\"'response_format.type' must be 'json_schema' or 'text'\"}", Map.of());
            return false;
        }
        return true;
    }

    private boolean fitsContext(HttpServerRequest req, JsonNode body) {
        if (contextLimit <= 0) {
            return true;
        }
        int prompt = promptTokens(body);
        int limit = body.path("max_completion_tokens").asInt(body.path("max_tokens").asInt(0));
        if (prompt + limit <= contextLimit) {
            return true;
        }
        String message = "This model's maximum context length is " + contextLimit + " tokens. However, you requested "
                + (prompt + limit) + " tokens (" + prompt + " in the messages, " + limit
                + " in the completion). Please reduce the length of the messages or completion.";
        error(req, 400, vllmErrors
                ? "{\"object\":\"error\",\"message\":\"" + message + "\",\"type\":\"BadRequestError\",\"param\":null,"
                        + "\"code\":400}"
                : openAiError(message, "invalid_request_error", "messages", "context_length_exceeded"), Map.of());
        return false;
    }

    private FakeFault faultFor(Call call) {
        for (Rule rule : rules) {
            if (rule.match().test(call) && rule.left().getAndDecrement() > 0) {
                return rule.fault();
            }
        }
        return null;
    }

    private static FakeFault chaosFault() {
        int roll = ThreadLocalRandom.current().nextInt(100);
        if (roll < 15) {
            return new FakeFault.ServerError(500);
        } else if (roll < 25) {
            return new FakeFault.RateLimited(FakeFault.RetryHeaders.SECONDS, Duration.ofSeconds(1));
        } else if (roll < 35) {
            return new FakeFault.Truncated();
        } else if (roll < 45) {
            return new FakeFault.Malformed();
        } else if (roll < 60) {
            return new FakeFault.Ingredient("peanut butter");
        } else if (roll < 65) {
            return new FakeFault.ResetAfter(200);
        }
        return null;
    }

    /** Faults that are an HTTP error instead of an answer; false when the fault shapes the answer instead. */
    private boolean failsAtOnce(HttpServerRequest req, FakeFault fault) {
        switch (fault) {
            case FakeFault.RateLimited r -> rateLimited(req, r);
            case FakeFault.QuotaExhausted q -> error(req, 429, openAiError("You exceeded your current quota, please "
                    + "check your plan and billing details. For more information on this error, read the docs: "
                    + "https://platform.openai.com/docs/guides/error-codes/api-errors.", "insufficient_quota", null,
                    "insufficient_quota"), Map.of());
            case FakeFault.ServerError s -> error(req, s.status(), openAiError(s.status() == 503
                    ? "The engine is currently overloaded, please try again later." : "The server had an error while "
                            + "processing your request. Sorry about that!", "server_error", null, null), Map.of());
            case FakeFault.BadKey b -> error(req, 401, openAiError("Incorrect API key provided: sk-test*****-key. You "
                    + "can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error",
                    null, "invalid_api_key"), Map.of());
            case FakeFault.AzurePromptFilter a -> error(req, 400, "{\"error\":{\"message\":\"The response was filtered "
                    + "due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt "
                    + "and retry. To learn more about our content filtering policies please read our documentation: "
                    + "https://go.microsoft.com/fwlink/?linkid=2198766\",\"type\":null,\"param\":\"prompt\",\"code\":"
                    + "\"content_filter\",\"status\":400,\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\","
                    + "\"content_filter_result\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},\"jailbreak\":"
                    + "{\"filtered\":true,\"detected\":true},\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
                    + "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},\"violence\":{\"filtered\":false,"
                    + "\"severity\":\"safe\"}}}}}", Map.of());
            case FakeFault.ContextTooLong c -> {
                String message = "This model's maximum context length is 4096 tokens. However, you requested 5312 "
                        + "tokens (1312 in the messages, 4000 in the completion). Please reduce the length of the "
                        + "messages or completion.";
                error(req, 400, c.vllm() ? "{\"object\":\"error\",\"message\":\"" + message + "\",\"type\":"
                        + "\"BadRequestError\",\"param\":null,\"code\":400}"
                        : openAiError(message, "invalid_request_error", "messages", "context_length_exceeded"), Map.of());
            }
            case FakeFault.HtmlPage h -> {
                req.response().setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8")
                        .end("<!DOCTYPE html><html><head><title>Sign in to continue</title></head><body><h1>Corporate "
                                + "proxy</h1><p>Please sign in to continue to the internet.</p></body></html>");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void rateLimited(HttpServerRequest req, FakeFault.RateLimited r) {
        long ms = r.delay().toMillis();
        Map<String, String> headers = new LinkedHashMap<>();
        String body = openAiError("Rate limit reached for fake-model in organization org-fake on tokens per min "
                + "(TPM): Limit 30000, Used 29900, Requested 1200. Please try again in " + ms + "ms. Visit "
                + "https://platform.openai.com/account/rate-limits to learn more.", "tokens", null, "rate_limit_exceeded");
        switch (r.form()) {
            case SECONDS -> headers.put("Retry-After", String.valueOf(Math.max(1, (ms + 999) / 1000)));
            case HTTP_DATE -> headers.put("Retry-After", HTTP_DATE.format(Instant.now().plusMillis(ms + 1000)));
            case AZURE_MS -> {
                headers.put("retry-after-ms", String.valueOf(ms));
                headers.put("retry-after", String.valueOf(Math.max(1, (ms + 999) / 1000)));
                headers.put("x-ratelimit-remaining-requests", "42");
                headers.put("x-ratelimit-remaining-tokens", "0");
                body = "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation under "
                        + "Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 "
                        + "pricing tier. Please retry after " + Math.max(1, ms / 1000) + " seconds. Please go here: "
                        + "https://aka.ms/oai/quotaincrease if you would like to further increase the default rate "
                        + "limit.\"}}";
            }
            case RESET_TOKENS -> {
                headers.put("x-ratelimit-limit-requests", "500");
                headers.put("x-ratelimit-remaining-requests", "499");
                headers.put("x-ratelimit-reset-requests", "2m0s");
                headers.put("x-ratelimit-limit-tokens", "30000");
                headers.put("x-ratelimit-remaining-tokens", "0");
                headers.put("x-ratelimit-reset-tokens", ms + "ms");
            }
            case RESET_REQUESTS_MICROS -> {
                headers.put("x-ratelimit-limit-requests", "500");
                headers.put("x-ratelimit-remaining-requests", "0");
                headers.put("x-ratelimit-reset-requests", (ms * 1000) + "us");
                headers.put("x-ratelimit-limit-tokens", "30000");
                headers.put("x-ratelimit-remaining-tokens", "12000");
                headers.put("x-ratelimit-reset-tokens", "6m0s");
                body = body.replace("\"type\":\"tokens\"", "\"type\":\"requests\"")
                        .replace("on tokens per min (TPM)", "on requests per min (RPM)");
            }
        }
        error(req, 429, body, headers);
    }

    private Plan plan(String answer, FakeFault fault) {
        if (answer == null) {
            return new Plan("", "I can't help with planning this request.", "stop", -1, "normal");
        }
        return switch (fault) {
            case null -> new Plan(answer, null, "stop", -1, "normal");
            case FakeFault.StallAfter s -> new Plan(answer, null, "stop", s.chars(), "stall");
            case FakeFault.ResetAfter r -> new Plan(answer, null, "stop", r.chars(), "reset");
            case FakeFault.CloseAfter c -> new Plan(answer, null, "stop", c.chars(), "close");
            case FakeFault.ErrorEventAfter e -> new Plan(answer, null, "stop", e.chars(), "error-event");
            case FakeFault.ContentFilter c -> new Plan(answer.substring(0, answer.length() / 2), null, "content_filter",
                    -1, "normal");
            case FakeFault.Truncated t -> new Plan(answer.substring(0, answer.length() / 2), null, "length", -1, "normal");
            case FakeFault.Malformed m -> new Plan(answer.substring(0, answer.length() / 3) + "]]} sorry", null, "stop",
                    -1, "normal");
            case FakeFault.Refusal r -> new Plan("", "I'm sorry, but I can't help with that request.", "stop", -1,
                    "normal");
            case FakeFault.Ingredient i -> new Plan(answer.replaceFirst("\"ingredients\":\\[",
                    "\"ingredients\":[{\"name\":\"" + i.ingredient() + "\",\"quantity\":2,\"unit\":\"tbsp\"},"), null,
                    "stop", -1, "normal");
            case FakeFault.NullUnit n -> new Plan(answer.replaceFirst("\"unit\":\"[^\"]*\"", "\"unit\":null"), null,
                    "stop", -1, "normal");
            default -> new Plan(answer, null, "stop", -1, "normal");
        };
    }

    /** A non-streamed answer: the whole completion once it would have been written. */
    private void whole(HttpServerRequest req, JsonNode body, Call call, Plan plan, long started) {
        long writing = firstToken.toMillis() + (long) (1000.0 * tokens(plan.content()) / tokensPerSecond);
        vertx.setTimer(Math.max(1, writing), t -> {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", plan.refusal() == null ? plan.content() : null);
            message.put("refusal", plan.refusal());
            String out = FakeAnswers.write(Map.of("id", "chatcmpl-fake", "object", "chat.completion",
                    "created", Instant.now().getEpochSecond(), "model", body.path("model").asText("fake"),
                    "choices", List.of(Map.of("index", 0, "message", message, "finish_reason", plan.finishReason())),
                    "usage", usage(body, plan)));
            req.response().putHeader("Content-Type", "application/json").end(out);
            callTimes.add(new CallTime(call, Instant.now(), (System.nanoTime() - started) / 1_000_000));
        });
    }

    /** One streamed answer, written chunk by chunk at the set speed on the connection's event loop. */
    private final class Stream {
        private final HttpServerRequest req;
        private final HttpServerResponse res;
        private final JsonNode body;
        private final Call call;
        private final Plan plan;
        private final long started;
        private final String id = "chatcmpl-fake-" + ThreadLocalRandom.current().nextInt(1_000_000);
        private final boolean usage;
        private final String text;
        private int sent;
        private long writingSince;
        private long timer = -1;
        private boolean finished;

        Stream(HttpServerRequest req, JsonNode body, Call call, Plan plan, long started) {
            this.req = req;
            this.res = req.response();
            this.body = body;
            this.call = call;
            this.plan = plan;
            this.started = started;
            this.usage = body.path("stream_options").path("include_usage").asBoolean(false);
            this.text = plan.refusal() != null ? plan.refusal() : plan.content();
        }

        void start() {
            open.incrementAndGet();
            res.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache").putHeader("x-request-id", id);
            req.connection().closeHandler(v -> clientGone());
            if (azureDeployment != null) {
                event("{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":"
                        + "[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":"
                        + "\"safe\"}}}]}");
            }
            timer = vertx.setTimer(Math.max(1, firstToken.toMillis()), t -> {
                Map<String, Object> delta = new LinkedHashMap<>();
                delta.put("role", "assistant");
                delta.put("content", "");
                chunk(delta, null);
                writingSince = System.nanoTime();
                long period = Math.max(5, (long) (1000.0 * tokensPerChunk / tokensPerSecond));
                timer = vertx.setPeriodic(period, p -> tick());
            });
        }

        private void tick() {
            if (finished) {
                return;
            }
            double seconds = (System.nanoTime() - writingSince) / 1e9;
            int limit = plan.stopAfter() >= 0 ? Math.min(plan.stopAfter(), text.length()) : text.length();
            int target = Math.min(limit, (int) (seconds * tokensPerSecond * charsPerToken));
            int chunkChars = tokensPerChunk * charsPerToken;
            while (sent + chunkChars <= target) {
                send(sent + chunkChars);
            }
            if (target == limit && sent < limit) {
                send(limit);
            }
            if (plan.stopAfter() >= 0 && sent >= limit) {
                misbehave();
            } else if (sent >= text.length()) {
                complete();
            }
        }

        private void send(int end) {
            Map<String, Object> delta = new LinkedHashMap<>();
            delta.put(plan.refusal() != null ? "refusal" : "content", text.substring(sent, end));
            chunk(delta, null);
            sent = end;
        }

        /** The stream no longer counts as open (once). */
        private void done() {
            if (!finished) {
                finished = true;
                open.decrementAndGet();
            }
        }

        private void misbehave() {
            vertx.cancelTimer(timer);
            switch (plan.end()) {
                case "stall" -> {
                    // silence: the connection stays open until the client gives up
                }
                case "reset" -> {
                    done();
                    ConnectionBase connection = (ConnectionBase) req.connection();
                    connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    connection.channel().close();
                }
                case "close" -> {
                    done();
                    req.connection().close();
                }
                default -> {
                    event(openAiError("The server had an error while processing your request. Sorry about that!",
                            "server_error", null, null));
                    done();
                    res.end();
                }
            }
        }

        private void complete() {
            vertx.cancelTimer(timer);
            chunk(Map.of(), plan.finishReason());
            if (usage) {
                ObjectNode chunk = base();
                chunk.putArray("choices");
                chunk.set("usage", FakeAnswers.JSON.valueToTree(usage(body, plan)));
                event(chunk.toString());
            }
            done();
            res.write("data: [DONE]\n\n");
            res.end();
            callTimes.add(new CallTime(call, Instant.now(), (System.nanoTime() - started) / 1_000_000));
        }

        /** The client closed the connection: recorded when it did so before the answer was complete. */
        private void clientGone() {
            vertx.cancelTimer(timer);
            if (!finished) {
                closed.add(new ClientClosed(Instant.now(), call, sent));
            }
            done();
        }

        private void chunk(Map<String, Object> delta, String finishReason) {
            ObjectNode chunk = base();
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("delta", delta);
            choice.put("logprobs", null);
            choice.put("finish_reason", finishReason);
            chunk.set("choices", FakeAnswers.JSON.valueToTree(List.of(choice)));
            if (usage) {
                chunk.putNull("usage");
            }
            event(chunk.toString());
        }

        private ObjectNode base() {
            ObjectNode chunk = FakeAnswers.JSON.createObjectNode();
            chunk.put("id", id);
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", Instant.now().getEpochSecond());
            chunk.put("model", body.path("model").asText("fake"));
            chunk.put("system_fingerprint", "fp_fake");
            return chunk;
        }

        private void event(String data) {
            if (!res.ended() && !res.closed()) {
                res.write("data: " + data + "\n\n");
            }
        }
    }

    private Map<String, Object> usage(JsonNode body, Plan plan) {
        int completion = tokens(plan.content()) + tokens(plan.refusal());
        int prompt = promptTokens(body);
        return Map.of("prompt_tokens", prompt, "completion_tokens", completion, "total_tokens", prompt + completion);
    }

    private int promptTokens(JsonNode body) {
        int chars = 0;
        for (JsonNode m : body.path("messages")) {
            chars += m.path("content").asText("").length();
        }
        return chars / charsPerToken;
    }

    private int tokens(String text) {
        return text == null ? 0 : (text.length() + charsPerToken - 1) / charsPerToken;
    }

    private static String openAiError(String message, String type, String param, String code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return FakeAnswers.write(Map.of("error", error));
    }

    private static void error(HttpServerRequest req, int status, String body, Map<String, String> headers) {
        HttpServerResponse res = req.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        headers.forEach(res::putHeader);
        res.end(Buffer.buffer(body));
    }
}
