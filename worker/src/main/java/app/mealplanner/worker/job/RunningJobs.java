package app.mealplanner.worker.job;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The threads of the attempts this worker is running, so that a cancellation can interrupt one at once.
 * An interrupt is only sent while the attempt is registered (sending and ending the registration take the
 * same lock of the map), and one the attempt did not consume is cleared when it ends, so it never reaches
 * JobRunr's own work on that thread (saving the job's state). Of two attempts of one job on one worker
 * (a rare double delivery) the later one is registered; the other stops at its next write.
 */
@ApplicationScoped
public class RunningJobs {

    /** One running attempt; closing it ends the registration. */
    public final class Registration implements AutoCloseable {
        private final UUID jobId;
        private final Thread thread;
        private volatile boolean interrupted;

        private Registration(UUID jobId, Thread thread) {
            this.jobId = jobId;
            this.thread = thread;
        }

        @Override
        public void close() {
            running.remove(jobId, this);
            if (interrupted) {
                Thread.interrupted();
            }
        }
    }

    private final Map<UUID, Registration> running = new ConcurrentHashMap<>();

    /** Registers the calling thread as the one running {@code jobId}; close it when the attempt ends. */
    public Registration register(UUID jobId) {
        Registration registration = new Registration(jobId, Thread.currentThread());
        running.put(jobId, registration);
        return registration;
    }

    /** The jobs this worker runs now. */
    public Set<UUID> jobIds() {
        return Set.copyOf(running.keySet());
    }

    /** Interrupts the thread running {@code jobId}, if this worker runs it; true when it did. */
    public boolean interrupt(UUID jobId) {
        boolean[] sent = new boolean[1];
        running.computeIfPresent(jobId, (id, registration) -> {
            registration.interrupted = true;
            registration.thread.interrupt();
            sent[0] = true;
            return registration;
        });
        return sent[0];
    }
}
