package app.mealplanner.worker.jobrunr;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.CDI;

import org.jboss.logging.Logger;
import org.jobrunr.jobs.filters.RetryFilter;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.JobActivator;
import org.jobrunr.server.JobActivatorShutdownException;
import org.jobrunr.server.configuration.BackgroundJobServerThreadType;
import org.jobrunr.server.configuration.DefaultBackgroundJobServerWorkerPolicy;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;

import app.mealplanner.worker.job.DashboardJobSource;
import app.mealplanner.worker.job.MenuJobStateSync;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Owns the JobRunr {@link BackgroundJobServer} and dashboard of this process (DESIGN §8): built by hand
 * because the Quarkus extension is not available, started on {@link StartupEvent}, stopped on
 * {@link ShutdownEvent} (no JVM shutdown hook of JobRunr's own racing Quarkus).
 */
@ApplicationScoped
public class JobServer {

    private static final Logger LOG = Logger.getLogger(JobServer.class);

    private final StorageProvider storageProvider;
    private final JsonMapper jsonMapper;
    private final WorkerConfig config;
    private final MenuJobStateSync stateSync;
    private final DashboardJobSource dashboardSource;
    /** JobRunr's own datasource: whether the database answers is asked the way JobRunr will ask it. */
    private final io.agroal.api.AgroalDataSource jobRunrDataSource;
    private final java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("jobrunr-watchdog").factory());
    private volatile boolean stopping;
    private volatile BackgroundJobServer server;
    private volatile DashboardServer dashboard;

    public JobServer(StorageProvider storageProvider, JsonMapper jsonMapper, WorkerConfig config,
            MenuJobStateSync stateSync, DashboardJobSource dashboardSource,
            @io.quarkus.agroal.DataSource("jobrunr") io.agroal.api.AgroalDataSource jobRunrDataSource) {
        this.jobRunrDataSource = jobRunrDataSource;
        this.dashboardSource = dashboardSource;
        this.storageProvider = storageProvider;
        this.jsonMapper = jsonMapper;
        this.config = config;
        this.stateSync = stateSync;
    }

    void start(@Observes StartupEvent event) {
        WorkerConfig.Worker worker = config.worker();
        if (worker.enabled()) {
            startServer();
            // JobRunr shuts its server down for good when its heartbeat cannot reach the database; once the
            // database answers again, a new server takes over (jobs the old one held are rescued as orphans)
            watchdog.scheduleWithFixedDelay(this::restartIfStopped, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
        }
        startDashboard();
    }

    private synchronized void startServer() {
        WorkerConfig.Worker worker = config.worker();
        var configuration = usingStandardBackgroundJobServerConfiguration()
                .andName(worker.name().orElseGet(JobServer::hostName))
                .andPollInterval(worker.pollInterval())
                .andBackgroundJobServerWorkerPolicy(new DefaultBackgroundJobServerWorkerPolicy(worker.threads(),
                        BackgroundJobServerThreadType.VirtualThreads))
                .andDeleteSucceededJobsAfter(worker.deleteSucceededAfter())
                .andPermanentlyDeleteDeletedJobsAfter(worker.deleteSucceededAfter())
                .andInterruptJobsAwaitDurationOnStopBackgroundJobServer(worker.drainTime());
        BackgroundJobServer s = new BackgroundJobServer(storageProvider, jsonMapper, new CdiJobActivator(),
                configuration);
        // Ours are an ApplyStateFilter and a JobServerFilter, so JobRunr keeps this RetryFilter as its elect filter.
        s.setJobFilters(List.of(new RetryFilter(worker.retries(), worker.retryBackoffSeed()), stateSync,
                dashboardSource));
        s.start();
        server = s;
        LOG.infof("JobRunr server started: %d virtual-thread workers, poll %s", worker.threads(), worker.pollInterval());
    }

    private void restartIfStopped() {
        BackgroundJobServer current = server;
        if (stopping || current == null || current.isRunning()) {
            return;
        }
        try {
            try (java.sql.Connection c = jobRunrDataSource.getConnection()) {
                if (!c.isValid(2)) {
                    return;
                }
            }
            LOG.warn("the JobRunr server stopped itself (database unreachable); the database answers again, "
                    + "starting a new server");
            startServer();
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.debugf("database still unreachable: %s", e.getMessage());
        }
    }

    private void startDashboard() {
        WorkerConfig.Dashboard d = config.dashboard();
        if (d.enabled()) {
            String username = d.username().orElseThrow(() -> new IllegalStateException(
                    "menu.dashboard.enabled is true but DASHBOARD_USERNAME is not set"));
            String password = d.password().orElseThrow(() -> new IllegalStateException(
                    "menu.dashboard.enabled is true but DASHBOARD_PASSWORD is not set"));
            dashboard = DashboardServer.start(storageProvider, jsonMapper, d.port(), username, password);
            LOG.infof("JobRunr dashboard on port %d (basic auth user %s)", d.port(), username);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        watchdog.shutdownNow();
        BackgroundJobServer s = server;
        if (s != null) {
            s.stop();
        }
        DashboardServer web = dashboard;
        if (web != null) {
            web.stop();
        }
    }

    /** The running server, or null when job processing is off. */
    public BackgroundJobServer server() {
        return server;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }

    /** Resolves job handlers as CDI beans. */
    static final class CdiJobActivator implements JobActivator {
        @Override
        public <T> T activateJob(Class<T> type) throws JobActivatorShutdownException {
            try {
                return CDI.current().select(type).get();
            } catch (IllegalStateException e) {
                throw new JobActivatorShutdownException("CDI container is shut down", e);
            }
        }
    }
}
