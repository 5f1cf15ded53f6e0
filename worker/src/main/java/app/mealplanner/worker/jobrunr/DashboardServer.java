package app.mealplanner.worker.jobrunr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import org.jobrunr.dashboard.JobRunrApiHandler;
import org.jobrunr.dashboard.JobRunrSseHandler;
import org.jobrunr.dashboard.JobRunrStaticFileHandler;
import org.jobrunr.dashboard.server.WebServer;
import org.jobrunr.dashboard.server.http.RedirectHttpHandler;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpExchange;

/**
 * The JobRunr dashboard, assembled from JobRunr's own public parts as its {@code JobRunrDashboardWebServer}
 * does, with one difference: the basic-auth check. JobRunr uses the JDK's {@link BasicAuthenticator}, which
 * throws on an {@code Authorization: Basic} header that is not base64 or has no colon, and the JDK's server
 * then closes the connection without an answer. {@link Credentials} answers every malformed header with 401
 * and a {@code WWW-Authenticate} challenge, and compares credentials in constant time.
 */
final class DashboardServer {

    private final WebServer server;

    private DashboardServer(WebServer server) {
        this.server = server;
    }

    static DashboardServer start(StorageProvider storage, JsonMapper json, int port, String username, String password) {
        WebServer server = new WebServer(port);
        server.createContext(new RedirectHttpHandler("/", "/dashboard"));
        Credentials credentials = new Credentials(username, password);
        server.createContext(new JobRunrStaticFileHandler()).setAuthenticator(credentials);
        server.createContext(new JobRunrApiHandler(storage, json, false)).setAuthenticator(credentials);
        server.createContext(new JobRunrSseHandler(storage, json)).setAuthenticator(credentials);
        server.start();
        return new DashboardServer(server);
    }

    void stop() {
        server.stop();
    }

    /** Basic authentication for one user that refuses, rather than fails on, a malformed header. */
    static final class Credentials extends BasicAuthenticator {

        private final byte[] username;
        private final byte[] password;

        Credentials(String username, String password) {
            super("JobRunr dashboard", StandardCharsets.UTF_8);
            this.username = username.getBytes(StandardCharsets.UTF_8);
            this.password = password.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Result authenticate(HttpExchange exchange) {
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            if (header != null && !wellFormed(header)) {
                exchange.getResponseHeaders().set("WWW-Authenticate",
                        "Basic realm=\"" + getRealm() + "\", charset=\"UTF-8\"");
                return new Failure(401);
            }
            return super.authenticate(exchange);
        }

        /** "Basic" (any case), one space, base64 of "user:password" (RFC 7617). */
        static boolean wellFormed(String header) {
            int space = header.indexOf(' ');
            if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Basic")) {
                return false;
            }
            try {
                byte[] decoded = Base64.getDecoder().decode(header.substring(space + 1).trim());
                return new String(decoded, StandardCharsets.UTF_8).indexOf(':') >= 0;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        @Override
        public boolean checkCredentials(String user, String pass) {
            // both compared, always, so the time taken does not tell which one was wrong
            boolean userMatches = MessageDigest.isEqual(username, user.getBytes(StandardCharsets.UTF_8));
            boolean passwordMatches = MessageDigest.isEqual(password, pass.getBytes(StandardCharsets.UTF_8));
            return userMatches & passwordMatches;
        }
    }
}
