package app.mealplanner.worker.job;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import app.mealplanner.common.db.PgListener;
import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.worker.jobrunr.WorkerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Stops a cancelled job within about a second: LISTENs on {@code menu_job_cancelled} (the V7 trigger sends
 * the job's id when its row becomes CANCELLED) and interrupts the thread running that job here, if any.
 * JobRunr would only notice the deletion at its next heartbeat (up to 5 s), and not at all when its delete
 * failed on a concurrent update of the job.
 */
@ApplicationScoped
public class CancellationListener {

    public static final String CHANNEL = "menu_job_cancelled";
    private static final Logger LOG = Logger.getLogger(CancellationListener.class);

    private final RunningJobs running;
    private final MenuJobs jobs;
    private final WorkerConfig config;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private PgListener listener;

    public CancellationListener(RunningJobs running, MenuJobs jobs, WorkerConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.running = running;
        this.jobs = jobs;
        this.config = config;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent event) {
        if (config.worker().enabled()) {
            listener = new PgListener(CHANNEL, url, user, password.orElse(null), this::cancelled,
                    this::catchUp).start();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (listener != null) {
            listener.close();
        }
    }

    /** After (re)connecting: a job cancelled while nobody here listened is interrupted now. */
    private void catchUp() {
        jobs.findAll(running.jobIds()).stream().filter(job -> job.status() == JobState.CANCELLED)
                .forEach(job -> interrupt(job.id()));
    }

    private void cancelled(String payload) {
        UUID id;
        try {
            id = UUID.fromString(payload);
        } catch (IllegalArgumentException e) {
            LOG.warnf("unreadable %s notification (%d chars)", CHANNEL, payload.length());
            return;
        }
        interrupt(id);
    }

    private void interrupt(UUID id) {
        if (running.interrupt(id)) {
            LOG.infof("job %s was cancelled: interrupted the thread running it", id);
        }
    }
}
