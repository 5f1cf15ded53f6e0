package app.mealplanner.common.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A plain Server-Sent Events client over the JDK HTTP client: reads events until the server ends the stream. */
public final class SseClient {

    /** One received event. */
    public record Event(String name, String id, String data) {
        public long version() {
            return Long.parseLong(id);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> fieldNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Integer> done;
    private volatile int status;
    private volatile java.net.http.HttpHeaders responseHeaders;
    private volatile long retryMillis = -1;

    private SseClient(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        done = HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).thenApply(response -> {
            status = response.statusCode();
            responseHeaders = response.headers();
            read(response.body());
            return response.statusCode();
        });
    }

    public static SseClient open(String baseUrl, String path, Map<String, String> headers) {
        return new SseClient(URI.create(baseUrl + path), headers);
    }

    private void read(Stream<String> lines) {
        String[] current = new String[3];
        StringBuilder data = new StringBuilder();
        lines.forEach(line -> {
            if (line.isEmpty()) {
                if (current[1] != null || data.length() > 0) {
                    events.add(new Event(current[0], current[1], data.toString()));
                }
                current[0] = null;
                current[1] = null;
                data.setLength(0);
                return;
            }
            if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
                return;
            }
            int colon = line.indexOf(':');
            fieldNames.add(colon < 0 ? line : line.substring(0, colon));
            if (line.startsWith("event:")) {
                current[0] = line.substring(6).trim();
            } else if (line.startsWith("id:")) {
                current[1] = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            } else if (line.startsWith("retry:")) {
                retryMillis = Long.parseLong(line.substring(6).trim());
            }
        });
    }

    public List<Event> events() {
        return events;
    }

    public List<String> comments() {
        return comments;
    }

    /** The names of every field line the stream carried ({@code event}, {@code id}, {@code data}…). */
    public java.util.Set<String> fieldNames() {
        return fieldNames;
    }

    /** The response's headers, once the response has started. */
    public java.net.http.HttpHeaders headers() {
        return responseHeaders;
    }

    /** The last reconnect delay the server asked for ({@code retry:}), or -1. */
    public long retryMillis() {
        return retryMillis;
    }

    public int status() {
        return status;
    }

    /** Completes with the HTTP status when the server has closed the stream. */
    public CompletableFuture<Integer> done() {
        return done;
    }
}
