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

    public record Day(int day, List<Meal> meals, Nutrition totals) {
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

    public record Ingredient(String name, double quantity, String unit) {
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
