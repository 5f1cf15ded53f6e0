package app.mealplanner.worker.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;

/**
 * Names the requested cuisines that no meal of a planned menu has. Cuisines are a preference, not a rule
 * (the catalog has none of "klingon", a model may not honour one), so the menu is kept and its warnings say
 * which were ignored instead of leaving the user to wonder.
 */
public final class IgnoredCuisines {

    private IgnoredCuisines() {
    }

    /** The plan, with a warning added when a requested cuisine appears in none of its meals. */
    public static Menu.Plan warn(MenuRequest request, Menu.Plan plan) {
        List<String> served = plan.days().stream().flatMap(d -> d.meals().stream())
                .map(m -> m.recipe().cuisine() == null ? "" : m.recipe().cuisine().toLowerCase(Locale.ROOT))
                .distinct().toList();
        List<String> ignored = request.cuisines().stream().map(String::trim)
                .filter(c -> served.stream().noneMatch(s -> s.contains(c.toLowerCase(Locale.ROOT))))
                .distinct().toList();
        if (ignored.isEmpty()) {
            return plan;
        }
        List<String> warnings = new ArrayList<>(plan.warnings());
        warnings.add((ignored.size() == 1 ? "Ignored cuisine " : "Ignored cuisines ")
                + ignored.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(", "))
                + ": no meal of this menu has " + (ignored.size() == 1 ? "it" : "them")
                + " (no recipe that fits the rest of the request was found).");
        return new Menu.Plan(plan.source(), plan.model(), plan.days(), plan.shoppingList(), List.copyOf(warnings));
    }
}
