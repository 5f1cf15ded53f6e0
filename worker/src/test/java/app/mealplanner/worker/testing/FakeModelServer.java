package app.mealplanner.worker.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.worker.planner.Catalog;
import app.mealplanner.worker.planner.CatalogPlanner;
import app.mealplanner.worker.planner.UnsatisfiableRequestException;

/**
 * A stand-in for an OpenAI-compatible server with a configurable latency, for benchmarks and for trying
 * the model path locally ({@code OPENAI_BASE_URL=http://localhost:9999/v1 OPENAI_API_KEY=x ./run.sh}).
 * It answers {@code POST /v1/chat/completions} with a valid menu for the request it finds in the user
 * message, planned from the catalog, after waiting the configured latency (on a virtual thread, so
 * thousands of calls can wait at once).
 *
 * <pre>java -cp ... app.mealplanner.worker.testing.FakeModelServer [--port 9999] [--latency 2s]</pre>
 */
public final class FakeModelServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final HttpServer server;
    private final Duration latency;
    private final CatalogPlanner planner = new CatalogPlanner(Catalog.load());
    private final AtomicLong calls = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger();
    private final boolean chaos;
    private final java.util.Set<String> traceIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public FakeModelServer(int port, Duration latency) throws IOException {
        this(port, latency, false);
    }

    /**
     * With {@code chaos}, every call misbehaves at random the way real providers do: 500s, 429 rate limits
     * with Retry-After, truncated answers, malformed JSON, a menu with peanut butter slipped in, or a good menu.
     */
    public FakeModelServer(int port, Duration latency, boolean chaos) throws IOException {
        this.latency = latency;
        this.chaos = chaos;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", this::complete);
        server.start();
    }

    public static void main(String[] args) throws Exception {
        int port = 9999;
        Duration latency = Duration.ofSeconds(2);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--latency" -> latency = Duration.parse("PT" + args[++i].toUpperCase());
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        FakeModelServer fake = new FakeModelServer(port, latency);
        System.out.println("fake model on http://localhost:" + fake.port() + "/v1 answering after " + latency);
        Thread.currentThread().join();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public long calls() {
        return calls.get();
    }

    /** The next {@code n} calls answer 503 with OpenAI's overloaded-server error body, as a provider outage does. */
    public void failNextCalls(int n) {
        failuresLeft.set(n);
    }

    /** The trace ids of the W3C traceparent headers the calls carried. */
    public java.util.Set<String> traceIds() {
        return traceIds;
    }

    private void complete(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
        if (traceparent != null && traceparent.split("-").length == 4) {
            traceIds.add(traceparent.split("-")[1]);
        }
        try (exchange; InputStream in = exchange.getRequestBody()) {
            JsonNode body = JSON.readTree(in);
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(exchange, 503, "{\"error\":{\"message\":\"The server is overloaded or not ready yet.\","
                        + "\"type\":\"server_error\",\"param\":null,\"code\":null}}", null);
                return;
            }
            JsonNode request = null;
            for (JsonNode message : body.path("messages")) {
                if ("user".equals(message.path("role").asText())) {
                    JsonNode content = JSON.readTree(message.path("content").asText("{}"));
                    if (content.has("request")) {
                        request = content.get("request");
                        break;
                    }
                }
            }
            String answer;
            try {
                MenuRequest menuRequest = JSON.treeToValue(request, MenuRequest.class);
                List<Menu.Day> days = planner.plan(menuRequest, ThreadLocalRandom.current().nextLong()).days();
                answer = JSON.writeValueAsString(Map.of("days", days.stream()
                        .map(d -> Map.of("day", d.day(), "meals", d.meals())).toList(), "warnings", List.of()));
            } catch (UnsatisfiableRequestException | IllegalArgumentException | IOException e) {
                answer = null;
            }
            // waiting is the point: this is how long a real model takes to write the menu
            Thread.sleep(latency);
            if (chaos && misbehave(exchange, answer)) {
                return;
            }
            Map<String, Object> message = answer == null
                    ? Map.of("role", "assistant", "refusal", "I cannot plan this request.")
                    : Map.of("role", "assistant", "content", answer);
            byte[] out = JSON.writeValueAsBytes(Map.of("id", "chatcmpl-fake", "object", "chat.completion",
                    "model", body.path("model").asText("fake"),
                    "choices", List.of(Map.of("index", 0, "finish_reason", "stop", "message", message)),
                    "usage", Map.of("prompt_tokens", 900, "completion_tokens", 2500, "total_tokens", 3400)));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Answers badly instead of well, at random; false when this call gets the good answer. */
    private boolean misbehave(HttpExchange exchange, String answer) throws IOException {
        int roll = ThreadLocalRandom.current().nextInt(100);
        if (roll < 20) {
            send(exchange, 500, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}", null);
        } else if (roll < 35) {
            send(exchange, 429, "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}", "1");
        } else if (roll < 50 && answer != null) {
            send(exchange, 200, completion(answer.substring(0, answer.length() / 2), "length"), null);
        } else if (roll < 65) {
            send(exchange, 200, completion("{\"days\": [{\"day\": 1, \"meals\": ", "stop"), null);
        } else if (roll < 80 && answer != null) {
            send(exchange, 200, completion(answer.replaceFirst("\"ingredients\":\\[",
                    "\"ingredients\":[{\"name\":\"peanut butter\",\"quantity\":2,\"unit\":\"tbsp\"},"), "stop"), null);
        } else {
            return false;
        }
        return true;
    }

    private static String completion(String content, String finishReason) throws IOException {
        return JSON.writeValueAsString(Map.of("id", "chatcmpl-fake", "object", "chat.completion", "model", "fake",
                "choices", List.of(Map.of("index", 0, "finish_reason", finishReason,
                        "message", Map.of("role", "assistant", "content", content)))));
    }

    private static void send(HttpExchange exchange, int status, String body, String retryAfter) throws IOException {
        byte[] out = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
