package app.mealplanner.common.jobrunr;

import static org.jobrunr.scheduling.JobBuilder.aJob;

import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;
import org.jobrunr.scheduling.JobRequestScheduler;

import app.mealplanner.common.db.Sql;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.menu.MenuRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Hands a committed {@code menu_job} row to JobRunr under the same id and wakes the workers (DESIGN §7).
 * Safe to repeat: JobRunr skips a job id it already has.
 *
 * <p>The wake-up is sent by one background thread, and wake-ups asked for while one is being sent are
 * folded into the next: a worker that hears it looks for <em>all</em> enqueued jobs, so one NOTIFY covers
 * every job committed before it was sent. An idle api still sends it within microseconds of the enqueue;
 * a busy one sends far fewer than one per request and the request does not wait for it. If it cannot be
 * sent (database unreachable) the workers still find the job at their next poll.
 */
@ApplicationScoped
public class MenuJobQueue {

    private static final Logger LOG = Logger.getLogger(MenuJobQueue.class);

    /** The channel workers LISTEN on to look for work at once instead of at their next poll. */
    public static final String WAKEUP_CHANNEL = "jobrunr_wakeup";

    private final JobRequestScheduler scheduler;
    private final EntityManager em;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Semaphore wakeupAsked = new Semaphore(0);
    private volatile Thread waker;

    public MenuJobQueue(JobRequestScheduler scheduler, EntityManager em) {
        this.scheduler = scheduler;
        this.em = em;
    }

    /** Enqueues the job named and labelled for the dashboard after its request ({@link MenuJobLabels}). */
    public void enqueue(UUID menuJobId, MenuRequest request) {
        scheduler.create(aJob().withId(menuJobId)
                .withName(MenuJobLabels.name(request))
                .withLabels(MenuJobLabels.labels(request))
                .withJobRequest(new MenuJobRequest(menuJobId)));
        wakeWorkers();
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

    /** Asks for a wake-up of the workers; returns at once. */
    public void wakeWorkers() {
        if (wakeupPending.compareAndSet(false, true)) {
            startWaker();
            wakeupAsked.release();
        }
    }

    private void startWaker() {
        if (waker == null) {
            synchronized (this) {
                if (waker == null) {
                    waker = Thread.ofVirtual().name("jobrunr-wakeup").start(this::sendWakeups);
                }
            }
        }
    }

    private void sendWakeups() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                wakeupAsked.acquire();
            } catch (InterruptedException e) {
                return;
            }
            wakeupPending.set(false); // asks from here on get another NOTIFY after this one
            try {
                sendWakeup();
            } catch (RuntimeException e) {
                LOG.debugf("wake-up not sent (%s); workers find the job at their next poll", e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        Thread t = waker;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Sends one {@code NOTIFY} now, on the caller's thread, in a transaction of its own. */
    public void sendWakeup() {
        QuarkusTransaction.requiringNew().run(() -> Sql.notify(em, WAKEUP_CHANNEL, ""));
    }
}
