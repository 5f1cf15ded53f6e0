package app.mealplanner.api.events;

import java.util.List;

import jakarta.ws.rs.sse.OutboundSseEvent;

/**
 * The days a running job's attempt has stored so far, each encoded once as an {@code event: day} frame,
 * to be sent to every subscriber that does not have them yet, before the status that counted them.
 */
record DayFrames(int attempt, List<Frame> frames) {

    record Frame(int day, OutboundSseEvent event) {
    }
}
