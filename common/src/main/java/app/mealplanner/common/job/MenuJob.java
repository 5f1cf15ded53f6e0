package app.mealplanner.common.job;

import java.time.Instant;
import java.util.UUID;

import app.mealplanner.common.menu.MenuRequest;

/** One {@code menu_job} row. */
public record MenuJob(
        UUID id,
        UUID userId,
        String idempotencyKey,
        String requestHash,
        MenuRequest request,
        JobState status,
        Stage stage,
        int progress,
        int attempt,
        String errorCode,
        String errorMessage,
        UUID menuId,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant nextAttemptAt,
        long version,
        String traceparent) {

    public JobStatus toStatus() {
        JobStatus.Error error = errorCode == null || status != JobState.FAILED
                ? null
                : new JobStatus.Error(errorCode, errorMessage);
        return new JobStatus(id, status, stage, progress, attempt, createdAt, startedAt, finishedAt,
                nextAttemptAt, menuId, error, null, null, JobStatus.Links.of(id, menuId));
    }

    /**
     * The status as it was when the job was accepted: the body of the 202, returned again, identical, when
     * the same request is repeated with the same Idempotency-Key.
     */
    public JobStatus acceptedStatus() {
        return new JobStatus(id, JobState.QUEUED, Stage.QUEUED, 0, 0, createdAt, null, null, null, null, null, null,
                null, JobStatus.Links.of(id, null));
    }
}
