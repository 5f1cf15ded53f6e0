package app.mealplanner.common.menu;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A stored meal plan (DESIGN §5). Nutrition on recipes is per serving; day totals are per person. */
public record Menu(
        UUID id,
        UUID jobId,
        Instant createdAt,
        String source,
        String model,
        MenuRequest request,
        List<Day> days,
        List<ShoppingItem> shoppingList,
        List<String> warnings) {

    public static final String SOURCE_CATALOG = "catalog";
    public static final String SOURCE_LLM = "llm";

    /**
     * One day of the plan; {@code source} says who wrote it ({@code llm} or {@code catalog}: a model menu
     * can have days filled from the catalog) and {@code model} which model, when one did.
     */
    public record Day(int day, List<Meal> meals, Nutrition totals, String source, String model) {

        /** A day planned from the catalog. */
        public Day(int day, List<Meal> meals, Nutrition totals) {
            this(day, meals, totals, SOURCE_CATALOG, null);
        }
    }

    public record Meal(MealType type, Recipe recipe) {
    }

    public record Recipe(
            String name,
            String cuisine,
            int prepMinutes,
            int servings,
            List<Ingredient> ingredients,
            List<String> steps,
            Nutrition nutrition,
            List<String> tags) {
    }

    /**
     * One ingredient of a recipe: {@code quantity} of {@code unit} as planned (scaled to the servings), and
     * {@code text}, the line as a cook reads it ("½ onion", "2 garlic cloves", "1½ tbsp olive oil"). The
     * worker writes the text for every ingredient of a menu it plans; menus stored before the field existed,
     * and a model's answer before the worker has read it, have none.
     */
    public record Ingredient(String name, double quantity, String unit, String text) {

        public Ingredient(String name, double quantity, String unit) {
            this(name, quantity, unit, null);
        }
    }

    /**
     * One line of the shopping list: one per ingredient. {@code quantity} of {@code unit} is what to buy,
     * rounded up (whole pieces for what is bought by the piece); {@code plus} holds amounts that could not
     * be converted into that unit; {@code days} the days whose meals use it; {@code pantry} marks staples to
     * check at home; {@code text} says it all in words ("5 onions"). Menus stored before these fields
     * existed read with no plus and no days, not pantry, and a text made from quantity, unit and name.
     */
    public record ShoppingItem(String name, double quantity, String unit, String category, List<Amount> plus,
            List<Integer> days, boolean pantry, String text) {

        public ShoppingItem {
            plus = plus == null ? List.of() : List.copyOf(plus);
            days = days == null ? List.of() : List.copyOf(days);
            if (text == null) {
                text = Amount.number(quantity) + " " + unit + " " + name;
            }
        }
    }

    /** A quantity in a unit, as written. */
    public record Amount(double quantity, String unit) {

        /** 2.0 as "2", 0.25 as "0.25": no trailing zeros. */
        public static String number(double value) {
            return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
    }

    /** The part of a menu that is planned; the rest is bookkeeping added when it is stored. */
    public record Plan(String source, String model, List<Day> days, List<ShoppingItem> shoppingList,
            List<String> warnings) {
    }
}
