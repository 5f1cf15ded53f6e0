package app.mealplanner.common.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on one PostgreSQL channel over a dedicated connection (outside the pool, so a LISTEN never
 * holds a pooled connection). When the connection drops it reconnects with exponential backoff and calls
 * {@code onConnected} so that the owner can catch up on what it may have missed.
 *
 * <p>A listener only reads, so a connection that went half-open (a peer that vanished without closing
 * it, a stalled backend, a dropped NAT entry) would look like a quiet channel forever. After
 * {@link #CHECK_AFTER} without a notification it makes a round trip, which must be answered within
 * {@link #ANSWER_WITHIN} (the socket's read timeout); a connection that does not answer is dropped and
 * replaced, so a dead one is noticed within about 20 s. TCP keepalive is on as well, for what the
 * operating system notices on its own.
 */
public final class PgListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PgListener.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long the channel may stay silent before the connection has to prove it is alive. */
    static final Duration CHECK_AFTER = Duration.ofSeconds(10);
    /** How long a round trip (or a connection attempt) may take before the connection counts as dead. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private final String channel;
    private final String url;
    private final String user;
    private final String password;
    private final Consumer<String> onNotification;
    private final Runnable onConnected;
    private final Runnable onDisconnected;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    public PgListener(String channel, String url, String user, String password, Consumer<String> onNotification,
            Runnable onConnected) {
        this(channel, url, user, password, onNotification, onConnected, () -> {
        });
    }

    /**
     * Also calls {@code onDisconnected} as soon as the connection is found lost (before the backoff), for
     * owners that must stop trusting what they learned from notifications.
     */
    public PgListener(String channel, String url, String user, String password, Consumer<String> onNotification,
            Runnable onConnected, Runnable onDisconnected) {
        if (!channel.matches("[a-z_]+")) {
            throw new IllegalArgumentException("channel must be a plain identifier: " + channel);
        }
        this.channel = channel;
        this.url = url;
        this.user = user;
        this.password = password;
        this.onNotification = onNotification;
        this.onConnected = onConnected;
        this.onDisconnected = onDisconnected;
        this.thread = Thread.ofPlatform().daemon().name("pg-listen-" + channel).unstarted(this::loop);
    }

    public PgListener start() {
        thread.start();
        return this;
    }

    /** The backend pid of the current LISTEN connection, or -1 when disconnected (tests kill it). */
    public int backendPid() {
        Connection c = connection;
        try {
            return c == null ? -1 : c.unwrap(PGConnection.class).getBackendPID();
        } catch (SQLException e) {
            return -1;
        }
    }

    private void loop() {
        long backoffMillis = 100;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, connectionProperties())) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + channel);
                }
                connection = c;
                backoffMillis = 100;
                LOG.debugf("listening on %s", channel);
                onConnected.run();
                PGConnection pg = c.unwrap(PGConnection.class);
                long lastHeard = System.nanoTime();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null && notifications.length > 0) {
                        lastHeard = System.nanoTime();
                        for (PGNotification n : notifications) {
                            deliver(n.getParameter());
                        }
                    } else if (System.nanoTime() - lastHeard >= CHECK_AFTER.toNanos()) {
                        try (Statement st = c.createStatement()) {
                            st.execute("select 1"); // unanswered within ANSWER_WITHIN: an exception
                        }
                        lastHeard = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                connection = null;
                disconnected();
                if (!running) {
                    return;
                }
                LOG.warnf("LISTEN %s lost (%s); reconnecting in %d ms", channel, e.getMessage(), backoffMillis);
                try {
                    // Backing off between reconnects is the point here: the database is down or restarting.
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    private Properties connectionProperties() {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        String seconds = String.valueOf(ANSWER_WITHIN.toSeconds());
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("tcpKeepAlive", "true");
        return properties;
    }

    private void disconnected() {
        try {
            onDisconnected.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "handling the loss of LISTEN %s failed", channel);
        }
    }

    private void deliver(String payload) {
        try {
            onNotification.accept(payload);
        } catch (RuntimeException e) {
            LOG.errorf(e, "handling a notification on %s failed", channel);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disconnected();
    }
}
