package app.mealplanner.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * Another origin, as an attacker would run it: it lets every origin call it with credentials (it answers
 * any preflight yes) and keeps every request it gets, headers and body, so a test can see what a page
 * sent it.
 */
final class RecordingOrigin implements AutoCloseable {

    record Request(String method, String path, Map<String, List<String>> headers, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    RecordingOrigin() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                String origin = exchange.getRequestHeaders().getFirst("Origin");
                var headers = exchange.getResponseHeaders();
                headers.set("Access-Control-Allow-Origin", origin == null ? "*" : origin);
                headers.set("Access-Control-Allow-Credentials", "true");
                headers.set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
                headers.set("Access-Control-Allow-Headers", "authorization, content-type, idempotency-key, accept");
                byte[] body = "{\"accessToken\":\"from-elsewhere\",\"jobId\":\"00000000-0000-0000-0000-000000000000\"}"
                        .getBytes(StandardCharsets.UTF_8);
                headers.set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    /** An origin other than the api's ({@code localhost}) and the test sites'. */
    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
