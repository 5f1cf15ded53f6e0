package app.mealplanner.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection over a plain blocking socket, meant to run on a virtual thread. The
 * load generators need exactly N connections (wrk/wrk2 semantics); the JDK HttpClient pools connections on
 * its own, so it cannot promise that. Only what the benchmarks need: fixed-length and chunked bodies.
 */
final class HttpConnection implements AutoCloseable {

    /** A response: status, the headers the benchmarks look at, the body (empty for 304). */
    record Response(int status, String etag, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final int bufferSize;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpConnection(String host, int port) {
        this(host, port, 8192);
    }

    HttpConnection(String host, int port, int bufferSize) {
        this.host = host;
        this.port = port;
        this.bufferSize = bufferSize;
    }

    void connect() throws IOException {
        close();
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(60_000);
        s.connect(new InetSocketAddress(host, port), 10_000);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), bufferSize);
        out = s.getOutputStream();
    }

    boolean isOpen() {
        return socket != null && !socket.isClosed();
    }

    void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Sends a complete request and reads the complete response; reconnects once if the server closed. */
    Response exchange(byte[] request) throws IOException {
        if (!isOpen()) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            return readResponse();
        } catch (EOFException | java.net.SocketException stale) {
            // the server closed an idle keep-alive connection: one fresh attempt
            connect();
            out.write(request);
            out.flush();
            return readResponse();
        }
    }

    /** Writes a request without reading (streaming responses: see {@link #readHead()}). */
    void send(byte[] request) throws IOException {
        if (!isOpen()) {
            connect();
        }
        out.write(request);
        out.flush();
    }

    /** Status line and headers of a response whose body the caller reads itself. */
    record Head(int status, boolean chunked, long contentLength, boolean close, String etag, String contentType) {
    }

    Head readHead() throws IOException {
        String statusLine = readLine(in);
        while (statusLine.isEmpty()) {
            statusLine = readLine(in);
        }
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        boolean chunked = false;
        long length = -1;
        boolean close = false;
        String etag = null;
        String contentType = null;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                case "etag" -> etag = value;
                case "content-type" -> contentType = value;
                default -> {
                }
            }
        }
        return new Head(status, chunked, length, close, etag, contentType);
    }

    /** The body stream after {@link #readHead()}: chunked bodies are decoded. */
    InputStream body(Head head) {
        return head.chunked() ? new ChunkedInputStream(in) : in;
    }

    private Response readResponse() throws IOException {
        Head head = readHead();
        byte[] body;
        if (head.status() == 304 || head.status() == 204 || head.status() / 100 == 1) {
            body = new byte[0];
        } else if (head.chunked()) {
            body = new ChunkedInputStream(in).readAllBytes();
        } else if (head.contentLength() >= 0) {
            body = in.readNBytes((int) head.contentLength());
            if (body.length < head.contentLength()) {
                throw new EOFException("body cut short");
            }
        } else {
            body = in.readAllBytes();
            close();
        }
        if (head.close()) {
            close();
        }
        return new Response(head.status(), head.etag(), head.contentType(), body);
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            line.append((char) c);
        }
        throw new EOFException("connection closed");
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // request building

    static byte[] get(String hostHeader, String path, String bearer, String ifNoneMatch) {
        StringBuilder r = new StringBuilder(256).append("GET ").append(path).append(" HTTP/1.1\r\nHost: ")
                .append(hostHeader).append("\r\n");
        if (bearer != null) {
            r.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        if (ifNoneMatch != null) {
            r.append("If-None-Match: ").append(ifNoneMatch).append("\r\n");
        }
        return r.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] postJson(String hostHeader, String path, String bearer, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder r = new StringBuilder(256 + body.length).append("POST ").append(path)
                .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\nContent-Type: application/json\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (bearer != null) {
            r.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        r.append("\r\n");
        byte[] head = r.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Decodes {@code Transfer-Encoding: chunked}; end of stream after the last chunk. */
    static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        private boolean nextChunk() throws IOException {
            if (done) {
                return false;
            }
            if (remaining == 0) {
                String size = readLine(in);
                if (size.isEmpty()) {
                    size = readLine(in); // CRLF after the previous chunk's data
                }
                int semi = size.indexOf(';');
                remaining = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (remaining == 0) {
                    // trailers until an empty line
                    while (!readLine(in).isEmpty()) {
                        // ignore trailers
                    }
                    done = true;
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!nextChunk()) {
                return -1;
            }
            int c = in.read();
            if (c == -1) {
                throw new EOFException("chunk cut short");
            }
            remaining--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!nextChunk()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n == -1) {
                throw new EOFException("chunk cut short");
            }
            remaining -= n;
            return n;
        }
    }
}
