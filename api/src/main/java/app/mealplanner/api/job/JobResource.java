package app.mealplanner.api.job;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import app.mealplanner.api.Cursor;
import app.mealplanner.api.Page;
import app.mealplanner.api.auth.CurrentUser;
import app.mealplanner.api.error.ApiException;
import app.mealplanner.api.events.JobEvent;
import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.jobrunr.MenuJobQueue;

/** Job status for polling (ETag that follows the body, Retry-After while not final), listings and cancellation. */
@Path("/api/jobs")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private static final Logger LOG = Logger.getLogger(JobResource.class);

    private final MenuJobs jobs;
    private final MenuJobQueue queue;
    private final CurrentUser user;
    private final QueueEstimates estimates;
    private final JobVersions versions;

    public JobResource(MenuJobs jobs, MenuJobQueue queue, CurrentUser user, QueueEstimates estimates,
            JobVersions versions) {
        this.versions = versions;
        this.jobs = jobs;
        this.queue = queue;
        this.user = user;
        this.estimates = estimates;
    }

    /**
     * The job's status. Most polls are answered from {@link JobVersions} without touching the database: for a
     * job that is not queued, a matching {@code If-None-Match} gives 304 and otherwise its status as last
     * notified is the body. Otherwise, with {@code If-None-Match} the version alone is read first (two columns
     * of one indexed row). A queued job's body also counts its place in the queue, which moves without a new
     * version, so its tag (see {@link JobTags}) is known only once that is counted.
     */
    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") UUID id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID owner = user.id();
        JobVersions.Known known = versions.lookup(id);
        if (known != null) {
            if (!known.owner().equals(owner)) {
                throw ApiException.notFound("This job");
            }
            if (known.state() != JobState.QUEUED) {
                String tag = JobTags.of(known.version());
                if (JobTags.matches(ifNoneMatch, tag)) {
                    return hints(Response.notModified(), tag, known.state()).build();
                }
                if (known.event() != null && known.event().complete()) {
                    return hints(Response.ok(known.event().toStatus()), tag, known.state()).build();
                }
            }
        }
        long generation = versions.generation();
        if (ifNoneMatch != null) {
            Optional<MenuJobs.Version> version = jobs.versionOwned(id, owner);
            if (version.isEmpty()) {
                throw ApiException.notFound("This job");
            }
            MenuJobs.Version v = version.get();
            versions.learned(id, owner, v.version(), v.status(), null, generation);
            if (v.status() != JobState.QUEUED && JobTags.matches(ifNoneMatch, JobTags.of(v.version()))) {
                return hints(Response.notModified(), JobTags.of(v.version()), v.status()).build();
            }
        }
        MenuJob job = jobs.findOwned(id, owner).orElseThrow(() -> ApiException.notFound("This job"));
        versions.learned(id, owner, job.version(), job.status(), JobEvent.of(job), generation);
        JobStatus status = estimates.withQueue(job.toStatus());
        String tag = JobTags.of(job.version(), status);
        if (JobTags.matches(ifNoneMatch, tag)) {
            return hints(Response.notModified(), tag, job.status()).build();
        }
        return hints(Response.ok(status), tag, job.status()).build();
    }

    private static Response.ResponseBuilder hints(Response.ResponseBuilder response, String tag, JobState status) {
        response.tag(new EntityTag(tag));
        if (!status.isFinal()) {
            response.header("Retry-After", status == JobState.QUEUED ? "2" : "1");
        }
        return response;
    }

    @GET
    public Page<JobStatus> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        JobState state = parseStatus(status);
        int size = Cursor.limit(limit);
        Cursor after = Cursor.decode(cursor);
        List<MenuJob> rows = jobs.page(user.id(), state, after == null ? null : after.createdAt(),
                after == null ? null : after.id(), size + 1);
        List<MenuJob> items = rows.size() > size ? rows.subList(0, size) : rows;
        String next = rows.size() > size
                ? new Cursor(items.get(size - 1).createdAt(), items.get(size - 1).id()).encode()
                : null;
        return new Page<>(items.stream().map(MenuJob::toStatus).toList(), next);
    }

    @DELETE
    @Path("/{id}")
    public Response cancel(@PathParam("id") UUID id) {
        MenuJob job = jobs.findOwned(id, user.id()).orElseThrow(() -> ApiException.notFound("This job"));
        if (job.status().isFinal() || !jobs.cancel(id)) {
            JobState now = jobs.find(id).map(MenuJob::status).orElse(job.status());
            throw new ApiException(409, "job-final", "Conflict", "The job is already " + now + " and cannot be cancelled.");
        }
        versions.forget(id);
        try {
            queue.delete(id);
        } catch (RuntimeException e) {
            // the row is CANCELLED, so a worker that still picks the job up does nothing
            LOG.warnf("job %s cancelled; deleting its JobRunr job failed (%s)", id, e.getClass().getSimpleName());
        }
        return Response.accepted(jobs.find(id).orElseThrow().toStatus()).build();
    }

    private static JobState parseStatus(String status) {
        if (status == null || status.isEmpty()) {
            return null;
        }
        try {
            return JobState.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("status", "must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED");
        }
    }
}
