package app.mealplanner.api.events;

import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import app.mealplanner.api.auth.CurrentUser;
import app.mealplanner.api.error.ApiException;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import io.vertx.core.http.HttpServerResponse;

/** Live job status over Server-Sent Events, and the tickets browsers use to open such a stream. */
@Path("/api/jobs/{id}")
public class JobEventsResource {

    public record Ticket(String ticket, long expiresIn, String url) {
    }

    private final MenuJobs jobs;
    private final JobEventHub hub;
    private final EventTickets tickets;
    private final CurrentUser user;

    public JobEventsResource(MenuJobs jobs, JobEventHub hub, EventTickets tickets, CurrentUser user) {
        this.jobs = jobs;
        this.hub = hub;
        this.tickets = tickets;
        this.user = user;
    }

    @POST
    @Path("/events-ticket")
    @RolesAllowed("user")
    @Produces(MediaType.APPLICATION_JSON)
    public Ticket ticket(@PathParam("id") UUID id) {
        UUID owner = user.id();
        jobs.versionOwned(id, owner).orElseThrow(() -> ApiException.notFound("This job"));
        String ticket = tickets.issue(owner, id);
        return new Ticket(ticket, EventTickets.TTL_SECONDS, "/api/jobs/" + id + "/events?ticket=" + ticket);
    }

    /**
     * {@code event: status}, {@code id: <version>}, {@code data: JobStatus}: the current state first (or
     * nothing if {@code Last-Event-ID} is already current), then every change, ending after the final
     * state. While a model writes the menu, {@code event: day} ({@code data}: the day with its meals and
     * totals) goes out for each day as it is stored, before the status that counts it; a client that
     * (re)connects gets the days so far first. A resume of a finished job whose final version the client
     * already has is a 204, the answer that makes an EventSource stop reconnecting. Authenticated by a
     * bearer token or, for EventSource, a
     * {@code ticket} query parameter.
     */
    @GET
    @Path("/events")
    @PermitAll
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") UUID id, @QueryParam("ticket") String ticket,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse,
            @Context HttpServerResponse response) {
        UUID owner = ticket != null ? tickets.verify(ticket, id) : user.id();
        MenuJob job = jobs.findOwned(id, owner).orElseThrow(() -> ApiException.notFound("This job"));
        long resumeFrom = resumeFrom(lastEventId, job.version());
        if (job.status().isFinal() && resumeFrom >= job.version()) {
            throw new NothingLeftToSend();
        }
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        hub.subscribe(job, resumeFrom, sink, sse);
    }

    /** The client already has the final state. */
    static final class NothingLeftToSend extends RuntimeException {
        NothingLeftToSend() {
            super("the client has the final state", null, false, false);
        }
    }

    @ServerExceptionMapper
    Response nothingLeftToSend(NothingLeftToSend e) {
        return Response.noContent().build();
    }

    /**
     * The version the client says it has; 0 (send the current state) when it has none, or names one this
     * job has not reached, which no client can have seen.
     */
    private static long resumeFrom(String lastEventId, long current) {
        if (lastEventId == null) {
            return 0;
        }
        try {
            long version = Long.parseLong(lastEventId.trim());
            return version < 0 || version > current ? 0 : version;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
