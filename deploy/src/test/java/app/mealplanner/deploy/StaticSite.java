package app.mealplanner.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;

/**
 * Serves the web client's files from another origin than the api, as a separately hosted front end would,
 * with its own {@code config.json} naming the api origins the page may use.
 */
final class StaticSite implements AutoCloseable {

    private final HttpServer server;

    StaticSite(int port, Path root, List<String> apiOrigins) throws IOException {
        byte[] config = ("{\"apiOrigins\": [" + apiOrigins.stream().map(o -> "\"" + o + "\"")
                .collect(Collectors.joining(", ")) + "]}").getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Path file = root.resolve(path.equals("/") ? "index.html" : path.substring(1)).normalize();
            try (exchange) {
                boolean isConfig = path.equals("/config.json");
                if (!isConfig && (!file.startsWith(root) || !Files.isRegularFile(file))) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                String name = file.getFileName().toString();
                exchange.getResponseHeaders().set("Content-Type", name.endsWith(".js") ? "text/javascript"
                        : name.endsWith(".css") ? "text/css" : name.endsWith(".svg") ? "image/svg+xml"
                        : isConfig ? "application/json" : "text/html; charset=utf-8");
                byte[] body = isConfig ? config : Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    String origin() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
