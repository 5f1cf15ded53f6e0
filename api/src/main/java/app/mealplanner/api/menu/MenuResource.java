package app.mealplanner.api.menu;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import app.mealplanner.api.auth.CurrentUser;
import app.mealplanner.api.error.ApiException;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Menus;

/** Asking for a menu (202 at once, the job runs on a worker) and reading the result. */
@Path("/api/menus")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class MenuResource {

    private final MenuSubmissions submissions;
    private final Menus menus;
    private final CurrentUser user;

    public MenuResource(MenuSubmissions submissions, Menus menus, CurrentUser user) {
        this.submissions = submissions;
        this.menus = menus;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Valid @NotNull MenuRequest request) {
        MenuJob job = submissions.submit(user.id(), request);
        return Response.accepted(job.toStatus())
                .location(URI.create("/api/jobs/" + job.id()))
                .tag(new jakarta.ws.rs.core.EntityTag(String.valueOf(job.version())))
                .build();
    }

    @GET
    @Path("/{id}")
    public Menu get(@PathParam("id") UUID id) {
        return menus.findOwned(id, user.id()).orElseThrow(() -> ApiException.notFound("This menu"));
    }
}
