package app.mealplanner.api.menu;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.api.error.ApiException;
import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.common.menu.MenuRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Accepts a menu request. In one transaction, with the user's row locked so that the rules hold across
 * api pods: the Idempotency-Key (replay, conflict, or a concurrent twin), the active-jobs limit, the
 * rolling hourly quota, then the {@code menu_job} row (QUEUED). After the commit it enqueues the JobRunr
 * job with the same id and wakes the workers. The two steps cannot share a transaction (JobRunr commits
 * its own connections), so a row whose enqueue failed stays QUEUED and the reconciler enqueues it again.
 */
@ApplicationScoped
public class MenuSubmissions {

    private static final Logger LOG = Logger.getLogger(MenuSubmissions.class);

    /** The 202 body, and whether this request created the job (false: a replay). */
    public record Accepted(JobStatus status, boolean created) {
    }

    private final MenuJobs jobs;
    private final MenuJobQueue queue;
    private final ObjectMapper json;
    private final LimitsConfig limits;

    public MenuSubmissions(MenuJobs jobs, MenuJobQueue queue, ObjectMapper json, LimitsConfig limits) {
        this.jobs = jobs;
        this.queue = queue;
        this.json = json;
        this.limits = limits;
    }

    public Accepted submit(UUID userId, MenuRequest request, String idempotencyKey) {
        String hash = hash(request);
        // committed (or rolled back, when a rule refuses it) before the enqueue below
        Accepted accepted = QuarkusTransaction.requiringNew().call(() -> {
            if (idempotencyKey != null) {
                if (!jobs.tryLockKey(userId, idempotencyKey)) {
                    throw new ApiException(409, "request-in-progress", "Conflict",
                            "A request with this Idempotency-Key is still being processed; retry shortly.");
                }
                Optional<MenuJob> previous = jobs.findByKey(userId, idempotencyKey);
                if (previous.isPresent()) {
                    if (!previous.get().requestHash().equals(hash)) {
                        throw new ApiException(422, "idempotency-key-reused", "Unprocessable Content",
                                "This Idempotency-Key was used with a different request body.");
                    }
                    return new Accepted(previous.get().acceptedStatus(), false);
                }
            }
            if (!jobs.lockUser(userId)) {
                // a valid token outlived its account
                throw new ApiException(401, "unauthorized", "Unauthorized", "This account no longer exists.", null,
                        Map.of("WWW-Authenticate", "Bearer"));
            }
            MenuJobs.Usage usage = jobs.usage(userId, limits.perHour());
            if (usage.active() >= limits.activePerUser()) {
                throw new ApiException(409, "too-many-active-jobs", "Conflict", "You already have "
                        + usage.active() + " menu job(s) queued or running (the limit is " + limits.activePerUser()
                        + "); wait for one to finish or cancel it.", usage.oldestActive(), Map.of());
            }
            if (usage.quotaWait().isPresent()) {
                long seconds = Math.max(1, usage.quotaWait().get().toSeconds() + 1);
                throw new ApiException(429, "hourly-quota", "Too Many Requests", "At most " + limits.perHour()
                        + " menu requests per hour; the next one is possible in " + seconds + " s.", null,
                        Map.of("Retry-After", String.valueOf(seconds)));
            }
            MenuJob job = jobs.insert(UUID.randomUUID(), userId, idempotencyKey, hash, request, traceparent());
            return new Accepted(job.acceptedStatus(), true);
        });
        if (accepted.created()) {
            UUID id = accepted.status().jobId();
            try {
                queue.enqueue(id, request);
            } catch (RuntimeException e) {
                LOG.warnf("job %s is recorded but could not be enqueued yet (%s); the reconciler will enqueue it",
                        id, e.getClass().getSimpleName());
            }
        }
        return accepted;
    }

    /** The W3C traceparent of this request's span, so the worker's span continues the same trace. */
    private static String traceparent() {
        io.opentelemetry.api.trace.SpanContext span = io.opentelemetry.api.trace.Span.current().getSpanContext();
        return span.isValid()
                ? "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex()
                : null;
    }

    /** SHA-256 of the request as stored: same request, same hash. */
    String hash(MenuRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(json.writeValueAsString(request).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("hashing a request cannot fail", e);
        }
    }
}
