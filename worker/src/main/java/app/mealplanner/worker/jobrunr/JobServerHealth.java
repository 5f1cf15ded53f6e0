package app.mealplanner.worker.jobrunr;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jobrunr.server.BackgroundJobServer;

/** Ready when the JobRunr server runs (or job processing is switched off on purpose). */
@Readiness
@ApplicationScoped
public class JobServerHealth implements HealthCheck {

    private final JobServer jobServer;
    private final WorkerConfig config;

    public JobServerHealth(JobServer jobServer, WorkerConfig config) {
        this.jobServer = jobServer;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        if (!config.worker().enabled()) {
            return HealthCheckResponse.named("jobrunr").up().withData("processing", "off").build();
        }
        BackgroundJobServer server = jobServer.server();
        boolean running = server != null && server.isRunning();
        return HealthCheckResponse.named("jobrunr").status(running).withData("processing", "on").build();
    }
}
