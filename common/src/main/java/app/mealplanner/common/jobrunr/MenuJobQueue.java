package app.mealplanner.common.jobrunr;

import java.sql.PreparedStatement;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jobrunr.scheduling.JobRequestScheduler;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJobRequest;

/**
 * Hands a committed {@code menu_job} row to JobRunr under the same id and wakes the workers (DESIGN §7).
 * Safe to repeat: JobRunr skips a job id it already has.
 */
@ApplicationScoped
public class MenuJobQueue {

    /** The channel workers LISTEN on to look for work at once instead of at their next poll. */
    public static final String WAKEUP_CHANNEL = "jobrunr_wakeup";

    private final JobRequestScheduler scheduler;
    private final Database database;

    public MenuJobQueue(JobRequestScheduler scheduler, Database database) {
        this.scheduler = scheduler;
        this.database = database;
    }

    public void enqueue(UUID menuJobId) {
        scheduler.enqueue(menuJobId, new MenuJobRequest(menuJobId));
        wakeWorkers();
    }

    /**
     * Deletes the JobRunr job: an enqueued one never starts, and the worker running one interrupts it at
     * its next heartbeat. The {@code menu_job} row must already be CANCELLED: that is what stops a late
     * worker from storing a menu.
     */
    public void delete(UUID menuJobId) {
        try {
            scheduler.delete(menuJobId, "cancelled by the user");
        } catch (org.jobrunr.storage.JobNotFoundException alreadyGone) {
            // nothing left to stop
        }
    }

    public void wakeWorkers() {
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select pg_notify('" + WAKEUP_CHANNEL + "', '')")) {
                ps.execute();
                return null;
            }
        });
    }
}
