package app.mealplanner.worker.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import app.mealplanner.common.menu.Menu;

/**
 * Sums the ingredients of a plan into a shopping list: one line per ingredient and unit family, mass in
 * g or kg, volume in ml or l (or tsp/tbsp/cup when the recipes measured it in spoons), counts in pieces,
 * grouped by shopping category in store order and sorted by name within a category.
 */
public final class ShoppingList {

    static final List<String> CATEGORY_ORDER = List.of("produce", "meat", "seafood", "dairy", "eggs", "bakery",
            "grains", "legumes", "nuts-seeds", "canned", "frozen", "condiments", "oils", "spices", "sweeteners",
            "beverages", "other");

    private record Key(String name, Units.Family family) {
    }

    private static final class Total {
        final String category;
        double base;
        boolean metric;

        Total(String category) {
            this.category = category;
        }
    }

    private ShoppingList() {
    }

    public static List<Menu.ShoppingItem> of(List<Menu.Day> days, IngredientFacts facts) {
        Map<Key, Total> totals = new LinkedHashMap<>();
        for (Menu.Day day : days) {
            for (Menu.Meal meal : day.meals()) {
                for (Menu.Ingredient ingredient : meal.recipe().ingredients()) {
                    Units unit = Units.of(ingredient.unit());
                    IngredientFacts.Fact fact = facts.find(ingredient.name()).orElse(null);
                    String name = fact == null ? Names.normalise(ingredient.name()) : fact.name();
                    String category = fact == null ? "other" : fact.category();
                    Total total = totals.computeIfAbsent(new Key(name, unit.family), k -> new Total(category));
                    total.base += ingredient.quantity() * unit.base;
                    total.metric |= unit == Units.ML || unit == Units.L;
                }
            }
        }
        List<Menu.ShoppingItem> items = new ArrayList<>();
        totals.forEach((key, total) -> items.add(item(key, total)));
        items.sort(Comparator.comparingInt((Menu.ShoppingItem i) -> categoryRank(i.category()))
                .thenComparing(Menu.ShoppingItem::name)
                .thenComparing(Menu.ShoppingItem::unit));
        return List.copyOf(items);
    }

    private static Menu.ShoppingItem item(Key key, Total total) {
        Units unit = switch (key.family()) {
            case MASS -> total.base >= 1000 ? Units.KG : Units.G;
            case VOLUME -> total.metric
                    ? (total.base >= 1000 ? Units.L : Units.ML)
                    : (total.base >= 60 ? Units.CUP : total.base >= 15 ? Units.TBSP : Units.TSP);
            case COUNT -> Units.PIECE;
        };
        return new Menu.ShoppingItem(key.name(), round(total.base / unit.base), unit.symbol, total.category);
    }

    static int categoryRank(String category) {
        int rank = CATEGORY_ORDER.indexOf(category);
        return rank < 0 ? CATEGORY_ORDER.size() : rank;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
