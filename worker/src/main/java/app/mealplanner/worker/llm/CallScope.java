package app.mealplanner.worker.llm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model calls of one job. Cancelling it (the job was cancelled, or its thread interrupted because the
 * worker stops) closes every connection the job has open to a provider at once, whichever thread or event
 * loop is serving it, and makes every later call of the job fail before it is sent.
 */
public final class CallScope {

    private final Set<Runnable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Registers how to abort an exchange in flight; returns what deregisters it. When the scope is already
     * cancelled the exchange is aborted at once.
     */
    Runnable register(Runnable abort) {
        open.add(abort);
        if (cancelled && open.remove(abort)) {
            abort.run();
        }
        return () -> open.remove(abort);
    }

    /** Closes every open exchange of the job; idempotent. */
    public void cancel() {
        cancelled = true;
        for (Runnable abort : open) {
            if (open.remove(abort)) {
                abort.run();
            }
        }
    }

    /** Exchanges currently open. */
    public int open() {
        return open.size();
    }
}
