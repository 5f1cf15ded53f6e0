package app.mealplanner.api.menu;

import java.util.List;
import java.util.Map;

import app.mealplanner.common.menu.Menu;

/** The shopping list as plain text to print or paste into a notes app: one section per store category. */
final class ShoppingListText {

    private ShoppingListText() {
    }

    static String of(Menu menu) {
        StringBuilder out = new StringBuilder("Shopping list for the ").append(menu.days().size())
                .append("-day menu of ").append(Downloads.date(menu)).append('\n');
        for (Map.Entry<String, List<Menu.ShoppingItem>> section : ShoppingListSections.of(menu.shoppingList())
                .entrySet()) {
            out.append('\n').append(section.getKey()).append('\n');
            for (Menu.ShoppingItem item : section.getValue()) {
                out.append("- ").append(oneLine(item.text())).append(ShoppingListSections.days(item)).append('\n');
            }
        }
        return out.toString();
    }

    /** A model's text on one line, without control characters. */
    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
    }
}
