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
import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.JobStatus;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.jobrunr.MenuJobQueue;

/** Job status for polling (strong ETag, Retry-After while not final), listings and cancellation. */
@Path("/api/jobs")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private static final Logger LOG = Logger.getLogger(JobResource.class);

    private final MenuJobs jobs;
    private final MenuJobQueue queue;
    private final CurrentUser user;
    private final QueueEstimates estimates;

    public JobResource(MenuJobs jobs, MenuJobQueue queue, CurrentUser user, QueueEstimates estimates) {
        this.jobs = jobs;
        this.queue = queue;
        this.user = user;
        this.estimates = estimates;
    }

    /**
     * The job's status. With {@code If-None-Match} the version alone is read first: an unchanged job costs
     * one indexed lookup of two columns and a 304.
     */
    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") UUID id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        if (ifNoneMatch != null) {
            Optional<MenuJobs.Version> version = jobs.versionOwned(id, user.id());
            if (version.isEmpty()) {
                throw ApiException.notFound("This job");
            }
            if (ifNoneMatch.trim().equals(MenuJob.etag(version.get().version()))) {
                return hints(Response.notModified(), version.get().version(), version.get().status()).build();
            }
        }
        MenuJob job = jobs.findOwned(id, user.id()).orElseThrow(() -> ApiException.notFound("This job"));
        return hints(Response.ok(estimates.withQueue(job.toStatus())), job.version(), job.status()).build();
    }

    private static Response.ResponseBuilder hints(Response.ResponseBuilder response, long version, JobState status) {
        response.tag(new EntityTag(String.valueOf(version)));
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
