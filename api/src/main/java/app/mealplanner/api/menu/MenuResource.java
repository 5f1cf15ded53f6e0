package app.mealplanner.api.menu;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import app.mealplanner.api.Cursor;
import app.mealplanner.api.Page;
import app.mealplanner.api.auth.CurrentUser;
import app.mealplanner.api.error.ApiException;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Menus;
import io.vertx.core.http.HttpServerRequest;

/**
 * Asking for a menu (202 at once, the job runs on a worker), reading, exporting, listing and deleting
 * menus. A menu reads as JSON or, for print, as Markdown; its shopping list as JSON, CSV or plain text.
 */
@Path("/api/menus")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class MenuResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String MARKDOWN = "text/markdown";
    static final String CSV = "text/csv";

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
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER, schema = @Schema(type = SchemaType.STRING, maxLength = 255),
            description = "1 to 255 printable ASCII characters: the same key and body answer the original 202 again")
    public Response create(@Valid @NotNull MenuRequest request, @Context HttpServerRequest http) {
        String idempotencyKey = idempotencyKey(http);
        MenuSubmissions.Accepted accepted = submissions.submit(user.id(), request, idempotencyKey);
        return Response.accepted(accepted.status())
                .location(URI.create(accepted.status().links().self()))
                .build();
    }

    /**
     * The Idempotency-Key, or null without one. Read from Vert.x because JAX-RS parameters turn an empty header
     * into no header, and an empty key must be refused, not ignored (two identical requests would make two jobs).
     */
    private static String idempotencyKey(HttpServerRequest http) {
        List<String> keys = http.headers().getAll(IDEMPOTENCY_KEY);
        if (keys.isEmpty()) {
            return null;
        }
        if (keys.size() > 1 || !keys.get(0).matches("[\\x20-\\x7E]{1,255}")) {
            throw ApiException.invalid(IDEMPOTENCY_KEY, "must be one header of 1 to 255 printable ASCII characters");
        }
        return keys.get(0);
    }

    @GET
    @Path("/{id}")
    public Menu get(@PathParam("id") UUID id) {
        return menus.findOwned(id, user.id()).orElseThrow(() -> ApiException.notFound("This menu"));
    }

    @GET
    @Path("/{id}")
    @Produces(MARKDOWN)
    public Response markdown(@PathParam("id") UUID id) {
        Menu menu = owned(id);
        return Downloads.attachment(MenuMarkdown.of(menu), MARKDOWN + "; charset=UTF-8", "menu", menu, "md");
    }

    /** A menu's shopping list on its own. */
    public record ShoppingList(UUID menuId, List<Menu.ShoppingItem> items) {
    }

    @GET
    @Path("/{id}/shopping-list")
    public ShoppingList shoppingList(@PathParam("id") UUID id) {
        Menu menu = owned(id);
        return new ShoppingList(menu.id(), menu.shoppingList());
    }

    @GET
    @Path("/{id}/shopping-list")
    @Produces(CSV)
    public Response shoppingListCsv(@PathParam("id") UUID id) {
        Menu menu = owned(id);
        return Downloads.attachment(ShoppingListCsv.of(menu), CSV + "; charset=UTF-8; header=present",
                "shopping-list", menu, "csv");
    }

    @GET
    @Path("/{id}/shopping-list")
    @Produces(MediaType.TEXT_PLAIN)
    public Response shoppingListText(@PathParam("id") UUID id) {
        Menu menu = owned(id);
        return Downloads.attachment(ShoppingListText.of(menu), MediaType.TEXT_PLAIN + "; charset=UTF-8",
                "shopping-list", menu, "txt");
    }

    private Menu owned(UUID id) {
        return menus.findOwned(id, user.id()).orElseThrow(() -> ApiException.notFound("This menu"));
    }

    @GET
    public Page<Menus.Summary> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int size = Cursor.limit(limit);
        Cursor after = Cursor.decode(cursor);
        List<Menus.Summary> rows = menus.page(user.id(), after == null ? null : after.createdAt(),
                after == null ? null : after.id(), size + 1);
        List<Menus.Summary> items = rows.size() > size ? rows.subList(0, size) : rows;
        String next = rows.size() > size
                ? new Cursor(items.get(size - 1).createdAt(), items.get(size - 1).id()).encode()
                : null;
        return new Page<>(items, next);
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") UUID id) {
        if (!menus.delete(id, user.id())) {
            throw ApiException.notFound("This menu");
        }
        return Response.noContent().build();
    }
}
