package app.mealplanner.api.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.restassured.RestAssured;

/**
 * HTTP/1.1 over a plain socket, for what ordinary clients do not do: chunked bodies sent piece by piece,
 * bodies that stall halfway, requests without a Host header, connections left idle.
 */
public final class RawHttp implements AutoCloseable {

    /** A response as read from the wire; {@code status} -1 when the server closed without answering. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** A connection to the api under test. */
    public static RawHttp open() {
        return open(InetAddress.getLoopbackAddress());
    }

    /** A connection from a local address of the loopback range (127.0.0.0/8), e.g. to act as another client. */
    public static RawHttp open(InetAddress from) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), RestAssured.port), 5_000);
            socket.setSoTimeout(30_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends text as it is (ISO-8859-1), e.g. a request line and headers ending in an empty line. */
    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one chunk of a chunked body (an empty one ends the body). */
    public RawHttp chunk(byte[] data) {
        return send((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1))
                .send(data).send("\r\n");
    }

    /** Sends a chunked body in chunks of {@code size} bytes, stopping quietly when the server has closed. */
    public RawHttp chunked(byte[] body, int size) {
        try {
            for (int i = 0; i < body.length; i += size) {
                chunk(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + size)));
            }
            chunk(new byte[0]);
        } catch (UncheckedIOException e) {
            // the server answered and closed before the whole body was sent: the answer is what counts
        }
        return this;
    }

    /** Reads one final response, skipping interim ones (waits up to 30 s for it). */
    public Response read() {
        try {
            int status;
            Map<String, String> headers = new LinkedHashMap<>();
            do { // an interim answer (100 Continue) comes before the final one
                String statusLine = line();
                if (statusLine == null) {
                    return new Response(-1, Map.of(), "");
                }
                status = Integer.parseInt(statusLine.split(" ")[1]);
                headers.clear();
                for (String line = line(); line != null && !line.isEmpty(); line = line()) {
                    int colon = line.indexOf(':');
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            } while (status >= 100 && status < 200);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            String length = headers.get("content-length");
            if (length != null) {
                body.write(in.readNBytes(Integer.parseInt(length)));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            }
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True once the server has closed the connection (waits up to {@code millis} for it). */
    public boolean closedByServer(int millis) {
        try {
            socket.setSoTimeout(millis);
            while (true) {
                if (in.read() == -1) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
