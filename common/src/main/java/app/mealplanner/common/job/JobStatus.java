package app.mealplanner.common.job;

import java.time.Instant;
import java.util.UUID;

/**
 * What clients see of a menu job (DESIGN §5). Every field is always present; absent values are null.
 * {@code queuePosition} (1 = next) and {@code etaSeconds} are set on {@code GET /api/jobs/{id}} while QUEUED.
 * {@code version} is not part of the body: it is the ETag and the SSE event id. {@code daysReady} counts the
 * days written and validated so far (a model menu shows them one by one), out of {@code daysTotal}.
 */
public record JobStatus(
        UUID jobId,
        JobState status,
        Stage stage,
        int progress,
        int daysReady,
        int daysTotal,
        int attempt,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant nextAttemptAt,
        UUID menuId,
        Error error,
        Integer queuePosition,
        Integer etaSeconds,
        Links links) {

    /** The same status with its place in the queue and the expected wait (only while QUEUED). */
    public JobStatus withQueue(Integer position, Integer eta) {
        return new JobStatus(jobId, status, stage, progress, daysReady, daysTotal, attempt, createdAt, startedAt, finishedAt, nextAttemptAt,
                menuId, error, position, eta, links);
    }

    public record Error(String code, String message) {
    }

    public record Links(String self, String events, String menu) {
        public static Links of(UUID jobId, UUID menuId) {
            return new Links("/api/jobs/" + jobId, "/api/jobs/" + jobId + "/events",
                    menuId == null ? null : "/api/menus/" + menuId);
        }
    }
}
