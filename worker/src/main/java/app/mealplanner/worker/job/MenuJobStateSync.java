package app.mealplanner.worker.job;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.ApplyStateFilter;
import org.jobrunr.jobs.states.FailedState;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.ScheduledState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.exceptions.JobNotFoundException;

import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.worker.jobrunr.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Keeps {@code menu_job} in step with JobRunr's decisions: a failed attempt that will be retried goes back
 * to QUEUED with its next attempt time, a failure after the last retry becomes FAILED, a deletion
 * CANCELLED. Each decision names the attempt it is about (the failures in the job's history), so one that
 * arrives late, after the next attempt started, leaves that attempt alone. An {@link ApplyStateFilter}
 * also sees orphaned jobs (a worker that died), which {@code onFailedAfterRetries} does not. A job that
 * ends FAILED is counted here, in {@code menu_jobs_outcome_total{outcome="failed"}}, whichever way it failed.
 */
@ApplicationScoped
public class MenuJobStateSync implements ApplyStateFilter {

    private static final Logger LOG = Logger.getLogger(MenuJobStateSync.class);

    private final MenuJobs jobs;
    private final MeterRegistry metrics;
    private final int retries;

    public MenuJobStateSync(MenuJobs jobs, MeterRegistry metrics, WorkerConfig config) {
        this.jobs = jobs;
        this.metrics = metrics;
        this.retries = config.worker().retries();
    }

    @Override
    public void onStateApplied(Job job, JobState oldState, JobState newState) {
        UUID id = job.getId();
        try {
            // The filter may see FAILED then SCHEDULED for one save: judge by where the job ended up.
            StateName current = job.getState();
            int failedAttempt = (int) job.getJobStatesOfType(FailedState.class).count();
            if (newState instanceof ScheduledState scheduled && current == StateName.SCHEDULED) {
                jobs.awaitRetry(id, failedAttempt, scheduled.getScheduledAt());
            } else if (newState instanceof FailedState failed && current == StateName.FAILED
                    && !retriedByJobRunr(failed, failedAttempt)) {
                jobs.fail(id, failedAttempt, errorCode(failed), errorMessage(failed));
                // every way a job ends FAILED passes here: no retries, the last retry, an orphan's last retry
                metrics.counter("menu.jobs.outcome", "outcome", "failed", "source", "none").increment();
            } else if (newState.getName() == StateName.DELETED) {
                jobs.cancel(id);
            }
        } catch (RuntimeException e) {
            // JobRunr only logs filter exceptions; the reconciler brings the row in step later.
            LOG.errorf(e, "could not record JobRunr state %s of job %s", newState.getName(), id);
        }
    }

    /**
     * Whether JobRunr's RetryFilter (the only one the server has) retries this failure: the filter may see a
     * FAILED state before the retry is scheduled (seen under load in MenuJobTest), and a job made FAILED
     * then would refuse its own retry. Same rule as the filter: not a failure it must not retry, and
     * failures so far not above the retries.
     */
    private boolean retriedByJobRunr(FailedState failed, int failures) {
        return !failed.mustNotRetry() && !JobNotFoundException.class.getName().equals(failed.getExceptionType())
                && failures <= retries;
    }

    static String errorCode(FailedState failed) {
        String type = failed.getExceptionType();
        if (type != null && type.endsWith("IllegalJobThreadStateException")) {
            return "WORKER_LOST";
        }
        return "INTERNAL";
    }

    static String errorMessage(FailedState failed) {
        return "WORKER_LOST".equals(errorCode(failed))
                ? "The worker running this job stopped and every retry was used."
                : "The menu could not be generated after every retry.";
    }
}
