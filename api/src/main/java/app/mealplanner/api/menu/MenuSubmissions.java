package app.mealplanner.api.menu;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import app.mealplanner.common.menu.MenuRequest;

/**
 * Accepts a menu request: records the {@code menu_job} row (QUEUED) in its own transaction, then, after
 * the commit, enqueues the JobRunr job with the same id and wakes the workers. The two steps cannot share
 * a transaction (JobRunr commits its own connections), so a row whose enqueue failed stays QUEUED and the
 * reconciler enqueues it again.
 */
@ApplicationScoped
public class MenuSubmissions {

    private static final Logger LOG = Logger.getLogger(MenuSubmissions.class);

    private final Database database;
    private final MenuJobs jobs;
    private final MenuJobQueue queue;
    private final ObjectMapper json;

    public MenuSubmissions(Database database, MenuJobs jobs, MenuJobQueue queue, ObjectMapper json) {
        this.database = database;
        this.jobs = jobs;
        this.queue = queue;
        this.json = json;
    }

    public MenuJob submit(UUID userId, MenuRequest request) {
        UUID id = UUID.randomUUID();
        String hash = hash(request);
        MenuJob job = database.transaction(c -> jobs.insert(c, id, userId, null, hash, request));
        try {
            queue.enqueue(id);
        } catch (RuntimeException e) {
            LOG.warnf("job %s is recorded but could not be enqueued yet (%s: %s); the reconciler will enqueue it",
                    id, e.getClass().getSimpleName(), e.getMessage());
        }
        return job;
    }

    /** SHA-256 of the request as stored: same request, same hash (used by idempotency keys). */
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
