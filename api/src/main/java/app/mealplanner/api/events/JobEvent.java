package app.mealplanner.api.events;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.Stage;

/** One committed version of a job, as the {@code menu_job_events} notification carries it (V2 migration). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobEvent(
        UUID id,
        UUID userId,
        long version,
        String status,
        String stage,
        int progress,
        int attempt,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        OffsetDateTime nextAttemptAt,
        UUID menuId,
        String errorCode,
        String errorMessage,
        int daysReady,
        int daysTotal) {

    public static JobEvent of(MenuJob job) {
        return new JobEvent(job.id(), job.userId(), job.version(), job.status().name(), job.stage().value(),
                job.progress(), job.attempt(), offset(job.createdAt()), offset(job.startedAt()),
                offset(job.finishedAt()), offset(job.nextAttemptAt()), job.menuId(), job.errorCode(),
                job.errorMessage(), job.daysReady(), job.daysTotal());
    }

    /** Longest error message a notification carries whole (the V2 trigger cuts it at 1000 characters). */
    static final int NOTIFIED_MESSAGE_LIMIT = 1000;

    /** False when the notification may have cut the error message: the row has to be read for the whole. */
    public boolean complete() {
        return errorMessage == null || errorMessage.length() < NOTIFIED_MESSAGE_LIMIT;
    }

    public JobState state() {
        return JobState.valueOf(status);
    }

    /** The same JobStatus the polling endpoint returns for this version. */
    public JobStatus toStatus() {
        JobState state = state();
        JobStatus.Error error = errorCode == null || state != JobState.FAILED ? null
                : new JobStatus.Error(errorCode, errorMessage);
        return new JobStatus(id, state, Stage.of(stage), progress, daysReady, daysTotal, attempt, instant(createdAt), instant(startedAt),
                instant(finishedAt), instant(nextAttemptAt), menuId, error, null, null,
                JobStatus.Links.of(id, menuId));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime offset(Instant t) {
        return t == null ? null : t.atOffset(java.time.ZoneOffset.UTC);
    }
}
