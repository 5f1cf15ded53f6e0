package app.mealplanner.api.job;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import io.quarkus.scheduler.Scheduled;

/**
 * Makes every accepted request reach a worker and every row tell the truth, whatever crashed in between.
 * Runs on every api pod, but one at a time across pods (a transaction-scoped advisory lock):
 * <ul>
 * <li>QUEUED rows older than {@code menu.reconciler.min-age} (a minute) with no JobRunr job (the api died or the database failed between
 * commit and enqueue) are enqueued again under the same id;</li>
 * <li>rows still QUEUED or RUNNING whose JobRunr job ended FAILED or DELETED without telling us (a filter
 * that could not write, a dashboard delete) are brought in step.</li>
 * </ul>
 */
@ApplicationScoped
public class EnqueueReconciler {

    private static final Logger LOG = Logger.getLogger(EnqueueReconciler.class);
    private static final long LOCK = 0x6d65_6e75_7263L;
    private static final int BATCH = 500;

    private final Database database;
    private final MenuJobs jobs;
    private final MenuJobQueue queue;
    private final java.time.Duration minAge;

    public EnqueueReconciler(Database database, MenuJobs jobs, MenuJobQueue queue,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "menu.reconciler.min-age") java.time.Duration minAge) {
        this.database = database;
        this.jobs = jobs;
        this.queue = queue;
        this.minAge = minAge;
    }

    @Scheduled(every = "${menu.reconciler.every:30s}", delayed = "${menu.reconciler.delay:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "enqueue-reconciler")
    void scheduled() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warnf("reconciliation skipped: %s", e.getMessage());
        }
    }

    /** One pass; returns the jobs it enqueued again (none when another pod holds the lock). */
    public List<UUID> reconcile() {
        List<UUID> orphans = database.transaction(c -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement lock = c.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return ids;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select m.id from menu_job m where m.status = 'QUEUED' "
                    + "and m.created_at < now() - ?::interval "
                    + "and not exists (select 1 from jobrunr_jobs j where j.id = m.id::text) "
                    + "order by m.created_at limit " + BATCH)) {
                ps.setString(1, minAge.toMillis() + " milliseconds");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("update menu_job m set status = case j.state "
                    + "when 'FAILED' then 'FAILED' else 'CANCELLED' end, finished_at = now(), next_attempt_at = null, "
                    + "error_code = case j.state when 'FAILED' then coalesce(m.error_code, 'INTERNAL') else m.error_code end, "
                    + "error_message = case j.state when 'FAILED' then coalesce(m.error_message, "
                    + "'The menu could not be generated after every retry.') else m.error_message end "
                    + "from jobrunr_jobs j where j.id = m.id::text and m.status in ('QUEUED', 'RUNNING') "
                    + "and j.state in ('FAILED', 'DELETED') and j.updatedat < (now() at time zone 'utc') - interval '10 seconds'")) {
                int synced = ps.executeUpdate();
                if (synced > 0) {
                    LOG.infof("brought %d menu jobs in step with JobRunr's final state", synced);
                }
            }
            return ids;
        });
        for (MenuJob job : jobs.findAll(orphans)) {
            queue.enqueue(job.id(), job.request());
        }
        if (!orphans.isEmpty()) {
            LOG.infof("enqueued %d accepted menu jobs that had not reached JobRunr", orphans.size());
        }
        return orphans;
    }
}
