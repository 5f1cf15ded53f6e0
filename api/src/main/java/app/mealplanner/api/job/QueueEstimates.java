package app.mealplanner.api.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.job.MenuJobs;

/**
 * Where a queued job stands: its position among queued jobs and a wait estimate from the recent median
 * run time and the workers' capacity. The median is shared by all requests and refreshed every 10 s.
 */
@ApplicationScoped
public class QueueEstimates {

    private static final Duration REFRESH = Duration.ofSeconds(10);

    private final MenuJobs jobs;
    private volatile Instant measuredAt = Instant.EPOCH;
    private volatile Optional<double[]> medianAndCapacity = Optional.empty();

    public QueueEstimates(MenuJobs jobs) {
        this.jobs = jobs;
    }

    public JobStatus withQueue(JobStatus status) {
        if (status.status() != JobState.QUEUED) {
            return status;
        }
        int position = jobs.queuePosition(status.jobId());
        Integer eta = medianAndCapacity().map(mc -> {
            double capacity = Math.max(1, mc[1]);
            return (int) Math.ceil(Math.ceil(position / capacity) * mc[0]);
        }).orElse(null);
        return status.withQueue(position, eta);
    }

    private Optional<double[]> medianAndCapacity() {
        if (Duration.between(measuredAt, Instant.now()).compareTo(REFRESH) > 0) {
            medianAndCapacity = jobs.recentMedianSecondsAndCapacity();
            measuredAt = Instant.now();
        }
        return medianAndCapacity;
    }
}
