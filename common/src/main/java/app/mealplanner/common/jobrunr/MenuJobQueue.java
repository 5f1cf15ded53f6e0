package app.mealplanner.common.jobrunr;

import static org.jobrunr.scheduling.JobBuilder.aJob;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jobrunr.scheduling.JobRequestScheduler;

import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.menu.MenuRequest;

/**
 * Hands a committed {@code menu_job} row to JobRunr under the same id (DESIGN §7). Safe to repeat: JobRunr
 * skips a job id it already has.
 *
 * <p>Nothing here wakes the workers: the database does, when JobRunr's insert commits. A trigger on
 * JobRunr's job table (V8, attached by {@link JobRunrStorage}) notifies {@link #WAKEUP_CHANNEL} for every
 * job that becomes ENQUEUED, so the wake-up costs no round trip or transaction of its own, cannot reach a
 * worker before the job is visible, and also follows the enqueues that are not ours (a retry whose wait is
 * over, a requeue from the dashboard). A worker that misses it finds the job at its next poll.
 */
@ApplicationScoped
public class MenuJobQueue {

    /** The channel workers LISTEN on to look for work at once instead of at their next poll; the payload is the job's id. */
    public static final String WAKEUP_CHANNEL = "jobrunr_wakeup";

    private final JobRequestScheduler scheduler;

    public MenuJobQueue(JobRequestScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Enqueues the job named and labelled for the dashboard after its request ({@link MenuJobLabels}). */
    public void enqueue(UUID menuJobId, MenuRequest request) {
        scheduler.create(aJob().withId(menuJobId)
                .withName(MenuJobLabels.name(request))
                .withLabels(MenuJobLabels.labels(request))
                .withJobRequest(new MenuJobRequest(menuJobId)));
    }

    /**
     * Deletes the JobRunr job, so that an enqueued one never starts. The {@code menu_job} row must already
     * be CANCELLED: that is what stops a worker from storing a menu, and its notification is what
     * interrupts a running attempt at once (JobRunr would only at its next heartbeat, and not at all when
     * this delete fails).
     */
    public void delete(UUID menuJobId) {
        try {
            scheduler.delete(menuJobId, "cancelled by the user");
        } catch (org.jobrunr.storage.JobNotFoundException alreadyGone) {
            // nothing left to stop
        }
    }
}
