package app.mealplanner.api.job;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import app.mealplanner.common.db.Sql;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import io.quarkus.narayana.jta.QuarkusTransaction;
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

    private final MenuJobs jobs;
    private final MenuJobQueue queue;
    private final java.time.Duration minAge;

    public EnqueueReconciler(MenuJobs jobs, MenuJobQueue queue,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "menu.reconciler.min-age") java.time.Duration minAge) {
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
        // native: both statements read JobRunr's own table, which is no entity of ours
        List<UUID> orphans = QuarkusTransaction.requiringNew().call(() -> {
            jakarta.persistence.EntityManager em = jobs.getEntityManager();
            if (!Sql.tryTransactionLock(em, LOCK)) {
                return List.<UUID>of();
            }
            @SuppressWarnings("unchecked")
            List<UUID> ids = em.createNativeQuery("select m.id from menu_job m where m.status = 'QUEUED' "
                    + "and m.created_at < now() - cast(?1 as interval) "
                    + "and not exists (select 1 from jobrunr_jobs j where j.id = m.id::text) "
                    + "order by m.created_at limit " + BATCH, UUID.class)
                    .setParameter(1, minAge.toMillis() + " milliseconds").getResultList();
            int synced = em.createNativeQuery("update menu_job m set status = case j.state "
                    + "when 'FAILED' then 'FAILED' else 'CANCELLED' end, finished_at = now(), next_attempt_at = null, "
                    + "error_code = case j.state when 'FAILED' then coalesce(m.error_code, 'INTERNAL') else m.error_code end, "
                    + "error_message = case j.state when 'FAILED' then coalesce(m.error_message, "
                    + "'The menu could not be generated after every retry.') else m.error_message end "
                    + "from jobrunr_jobs j where j.id = m.id::text and m.status in ('QUEUED', 'RUNNING') "
                    + "and j.state in ('FAILED', 'DELETED') and j.updatedat < (now() at time zone 'utc') - interval '10 seconds'")
                    .executeUpdate();
            if (synced > 0) {
                LOG.infof("brought %d menu jobs in step with JobRunr's final state", synced);
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
