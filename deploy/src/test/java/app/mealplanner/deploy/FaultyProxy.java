package app.mealplanner.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A reverse proxy in front of the api, standing where an ingress or a CDN would (it keeps the client's
 * {@code Host}, so a page it serves is same-origin with the api behind it), that a test can make fail the
 * way proxies do: its own HTML 502 page instead of an answer, either without asking the api or after the
 * api has handled the request (the answer lost on the way back). It records every request it passes on.
 * Streams (SSE) are relayed as they arrive.
 */
final class FaultyProxy implements AutoCloseable {

    /** What a fault does with a matching request. */
    enum Fault {
        /** Answers 502 at once; the api never sees the request. */
        REFUSE,
        /** Passes the request on, drops the api's answer and answers 502. */
        LOSE_ANSWER,
        /**
         * Relays the answer's head and its first event, then ends the stream, as an ingress does at its read
         * timeout or when its pod goes away.
         */
        CUT_STREAM
    }

    record Request(String method, String path, Map<String, List<String>> headers) {
        /** Method and path only: the headers carry tokens, which no test report should print. */
        @Override
        public String toString() {
            return method + " " + path.replaceAll("ticket=[^&]+", "ticket=…");
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    private record Rule(String method, String pathPart, Fault fault, int[] left) {
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "date");
    private static final byte[] BAD_GATEWAY = """
            <html>
            <head><title>502 Bad Gateway</title></head>
            <body>
            <center><h1>502 Bad Gateway</h1></center>
            <hr><center>nginx</center>
            </body>
            </html>
            """.getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String target;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /**
     * A proxy on {@code port} for {@code target}. Needs {@code jdk.httpclient.allowRestrictedHeaders=host}
     * (deploy's surefire sets it) to pass the client's Host on.
     */
    FaultyProxy(int port, String target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        // an event stream holds its thread for as long as it is open
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                relay(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the browser went away (a closed EventSource): nothing left to answer
            }
        });
        server.start();
    }

    /** The next {@code times} requests whose method is {@code method} and whose path contains {@code pathPart}. */
    void fail(String method, String pathPart, Fault fault, int times) {
        rules.add(new Rule(method, pathPart, fault, new int[] {times}));
    }

    /** Every request from now on whose method is {@code method} and whose path contains {@code pathPart}. */
    void failAlways(String method, String pathPart, Fault fault) {
        fail(method, pathPart, fault, Integer.MAX_VALUE);
    }

    void heal() {
        rules.clear();
    }

    List<Request> requests() {
        return requests;
    }

    String origin() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    private Fault faultFor(String method, String path) {
        for (Rule rule : rules) {
            if (rule.method().equals(method) && path.contains(rule.pathPart())) {
                synchronized (rule) {
                    if (rule.left()[0] > 0) {
                        rule.left()[0]--;
                        return rule.fault();
                    }
                }
            }
        }
        return null;
    }

    private void relay(HttpExchange exchange) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        requests.add(new Request(method, path, Map.copyOf(exchange.getRequestHeaders())));
        Fault fault = faultFor(method, uri.getRawPath());
        if (fault == Fault.REFUSE) {
            badGateway(exchange);
            return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + path))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> forward.header(name, v));
            }
        });
        HttpResponse<InputStream> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = answer.body()) {
            if (fault == Fault.LOSE_ANSWER) {
                in.readAllBytes();
                badGateway(exchange);
                return;
            }
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            int status = answer.statusCode();
            boolean empty = status == 204 || status == 304 || method.equals("HEAD");
            long length = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
            // com.sun's HttpServer: -1 is no body, 0 is chunked (a stream)
            exchange.sendResponseHeaders(status, empty || length == 0 ? -1 : length < 0 ? 0 : length);
            if (empty) {
                return;
            }
            OutputStream out = exchange.getResponseBody();
            if (fault == Fault.CUT_STREAM) {
                int previous = -1;
                for (int b; (b = in.read()) != -1; previous = b) {
                    out.write(b);
                    if (b == '\n' && previous == '\n') { // the end of the first event
                        break;
                    }
                }
                out.close(); // the rest of the answer never reaches the client
                return;
            }
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1;) {
                out.write(buffer, 0, n);
                out.flush();
            }
            out.close();
        }
    }

    /** nginx's own error page; with CORS headers, as ingress-nginx's enable-cors adds them to every answer. */
    private static void badGateway(HttpExchange exchange) throws IOException {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null) {
            exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
            exchange.getResponseHeaders().set("Access-Control-Allow-Credentials", "true");
        }
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(502, BAD_GATEWAY.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(BAD_GATEWAY);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        client.close();
    }
}
