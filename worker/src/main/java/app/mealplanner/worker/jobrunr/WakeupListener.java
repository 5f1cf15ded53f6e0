package app.mealplanner.worker.jobrunr;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.JobSteward;

import app.mealplanner.common.db.PgListener;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts new jobs within milliseconds instead of at JobRunr's next poll (DESIGN §7): LISTENs on
 * {@code jobrunr_wakeup} and pokes the JobRunr steward, which then looks for enqueued work. Pokes are
 * debounced: a burst of notifications while one poke runs leads to one more poke, not one per message.
 */
@ApplicationScoped
public class WakeupListener {

    private final JobServer jobServer;
    private final WorkerConfig config;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService poker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("jobrunr-wakeup").factory());
    private PgListener listener;

    public WakeupListener(JobServer jobServer, WorkerConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.jobServer = jobServer;
        this.config = config;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    // after JobServer has started the server
    void start(@Observes @Priority(2000) StartupEvent event) {
        if (config.worker().enabled() && config.worker().wakeup()) {
            listener = new PgListener(MenuJobQueue.WAKEUP_CHANNEL, url, user, password.orElse(null),
                    payload -> poke(), this::poke).start();
        }
    }

    void stop(@Observes @Priority(10) ShutdownEvent event) {
        if (listener != null) {
            listener.close();
        }
        poker.shutdownNow();
    }

    private void poke() {
        if (pending.compareAndSet(false, true)) {
            poker.execute(() -> {
                pending.set(false);
                BackgroundJobServer server = jobServer.server();
                if (server != null && server.isRunning()) {
                    JobSteward steward = server.getJobSteward();
                    steward.notifyThreadOccupied();
                    steward.notifyThreadIdle();
                }
            });
        }
    }
}
