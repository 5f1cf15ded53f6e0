package app.mealplanner.worker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/** The worker with the fake model and its JobRunr dashboard on a free port (off in the other tests). */
public class DashboardProfile extends FakeModelProfile {

    public static final String USER = "admin";
    public static final String PASSWORD = "dashboard-test-password";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("menu.dashboard.enabled", "true");
        config.put("menu.dashboard.port", String.valueOf(freePort()));
        config.put("menu.dashboard.username", USER);
        config.put("menu.dashboard.password", PASSWORD);
        return config;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
