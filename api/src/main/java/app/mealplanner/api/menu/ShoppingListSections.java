package app.mealplanner.api.menu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import app.mealplanner.common.menu.Menu;

/**
 * A shopping list in the sections a person reads it in: store categories in the order the list has
 * them, then "Check the pantry" for staples; and the days of a line in words.
 */
final class ShoppingListSections {

    static final String PANTRY = "Check the pantry";

    private ShoppingListSections() {
    }

    static Map<String, List<Menu.ShoppingItem>> of(List<Menu.ShoppingItem> items) {
        Map<String, List<Menu.ShoppingItem>> sections = new LinkedHashMap<>();
        List<Menu.ShoppingItem> pantry = new ArrayList<>();
        for (Menu.ShoppingItem item : items) {
            if (item.pantry()) {
                pantry.add(item);
            } else {
                sections.computeIfAbsent(title(item.category()), k -> new ArrayList<>()).add(item);
            }
        }
        if (!pantry.isEmpty()) {
            sections.put(PANTRY, pantry);
        }
        return sections;
    }

    /** "nuts-seeds" → "Nuts and seeds". */
    static String title(String category) {
        if (category == null || category.isBlank()) {
            return "Other";
        }
        String words = category.replace("-", " and ");
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }

    /** " (days 1, 3)", " (day 2)", or nothing when the menu does not say. */
    static String days(Menu.ShoppingItem item) {
        if (item.days().isEmpty()) {
            return "";
        }
        return (item.days().size() == 1 ? " (day " : " (days ")
                + item.days().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
    }
}
