package app.mealplanner.api.events;

import java.util.UUID;
import java.util.concurrent.Executor;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * One open event stream. Versions only move forward: an event older than or equal to what the client
 * already has is dropped, so the initial state, a Last-Event-ID resume and the live feed never duplicate
 * or reorder. The days of a model menu go out as they are stored, each once per attempt, before the
 * status that counted them. The stream ends after a final state.
 */
final class Subscription {

    private final UUID jobId;
    private final SseEventSink sink;
    private final Sse sse;
    private final Runnable onClose;
    private final Executor eventLoop;
    private long lastVersion;
    private boolean closed;
    private int daysAttempt;
    private final java.util.Set<Integer> daysSent = new java.util.HashSet<>();

    /** {@code eventLoop}: the thread that owns the client's connection, or null when not known. */
    Subscription(UUID jobId, long lastVersion, SseEventSink sink, Sse sse, Executor eventLoop, Runnable onClose) {
        this.eventLoop = eventLoop;
        this.jobId = jobId;
        this.lastVersion = lastVersion;
        this.sink = sink;
        this.sse = sse;
        this.onClose = onClose;
    }

    UUID jobId() {
        return jobId;
    }

    Executor eventLoop() {
        return eventLoop;
    }

    /**
     * Sends {@code out}, the encoded {@code event}, unless the client already has this version or a newer
     * one; a final state ends the stream, also one the client already has.
     */
    synchronized void offer(JobEvent event, OutboundSseEvent out) {
        offer(event, out, null);
    }

    /** The same, preceded by the days the client does not have yet ({@code days} may be null). */
    synchronized void offer(JobEvent event, OutboundSseEvent out, DayFrames days) {
        if (closed) {
            return;
        }
        if (event.version() <= lastVersion) {
            if (event.state().isFinal()) {
                close();
            }
            return;
        }
        lastVersion = event.version();
        if (days != null) {
            if (days.attempt() != daysAttempt) {
                daysAttempt = days.attempt();
                daysSent.clear();
            }
            for (DayFrames.Frame frame : days.frames()) {
                if (daysSent.add(frame.day())) {
                    send(frame.event());
                }
            }
        }
        send(out);
        if (event.state().isFinal()) {
            close();
        }
    }

    /** How many days of {@code attempt} this client has. */
    synchronized int daysSent(int attempt) {
        return attempt == daysAttempt ? daysSent.size() : 0;
    }

    synchronized void heartbeat() {
        if (!closed) {
            send(sse.newEventBuilder().comment("heartbeat").build());
        }
    }

    /** Ends the stream asking the client to reconnect after {@code retryMillis} (server shutting down). */
    synchronized void closeWithRetryHint(long retryMillis) {
        if (!closed) {
            send(sse.newEventBuilder().comment("server restarting, reconnect").reconnectDelay(retryMillis).build());
            close();
        }
    }

    private void send(OutboundSseEvent event) {
        if (sink.isClosed()) {
            close();
            return;
        }
        sink.send(event).whenComplete((ok, failure) -> {
            if (failure != null) {
                close(); // the client went away
            }
        });
    }

    synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                sink.close();
            } catch (RuntimeException ignored) {
                // already closed by the client
            }
            onClose.run();
        }
    }

    synchronized boolean isClosed() {
        return closed || sink.isClosed();
    }
}
