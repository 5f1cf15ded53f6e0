package app.mealplanner.api.menu;

import java.time.LocalDate;
import java.time.ZoneOffset;

import jakarta.ws.rs.core.Response;

import app.mealplanner.common.menu.Menu;

/** Exports as downloads: the media type and a file name that says what and when ("menu-2026-11-23-1a2b3c4d.md"). */
final class Downloads {

    private Downloads() {
    }

    static Response attachment(String body, String mediaType, String prefix, Menu menu, String extension) {
        String filename = prefix + "-" + date(menu) + "-" + menu.id().toString().substring(0, 8) + "." + extension;
        return Response.ok(body).type(mediaType)
                .header("Content-Disposition", "attachment; filename=\"" + filename + "\"").build();
    }

    /** The day the menu was made (UTC). */
    static LocalDate date(Menu menu) {
        return LocalDate.ofInstant(menu.createdAt(), ZoneOffset.UTC);
    }
}
