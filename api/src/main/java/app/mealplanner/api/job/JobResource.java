package app.mealplanner.api.job;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import app.mealplanner.api.auth.CurrentUser;
import app.mealplanner.api.error.ApiException;
import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;

/** Job status for polling: a strong ETag (the row version) and a Retry-After hint while not final. */
@Path("/api/jobs")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final MenuJobs jobs;
    private final CurrentUser user;

    public JobResource(MenuJobs jobs, CurrentUser user) {
        this.jobs = jobs;
        this.user = user;
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") UUID id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        MenuJob job = jobs.findOwned(id, user.id()).orElseThrow(() -> ApiException.notFound("This job"));
        Response.ResponseBuilder response = ifNoneMatch != null && ifNoneMatch.trim().equals(job.etag())
                ? Response.notModified()
                : Response.ok(job.toStatus());
        response.tag(new EntityTag(String.valueOf(job.version())));
        if (!job.status().isFinal()) {
            response.header("Retry-After", job.status() == JobState.QUEUED ? "2" : "1");
        }
        return response.build();
    }
}
