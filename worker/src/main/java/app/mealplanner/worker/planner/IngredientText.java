package app.mealplanner.worker.planner;

import java.util.List;

import app.mealplanner.common.menu.Menu;

/**
 * The line a cook reads for one ingredient of a recipe, from the amount the plan needs: "½ onion" rather than
 * "0.25 piece onion", "2 garlic cloves", "1½ tbsp olive oil", "150 g rice". Unlike the shopping list nothing is
 * rounded up to what one buys: pieces and spoon measures go to the nearest quarter (at least a quarter),
 * grams and millilitres to what a kitchen scale or jug shows (below a kilogram or litre in g or ml). Pieces are
 * named the way the shopping list names them (the ingredient table's "clove", "slice"); everything else keeps
 * the name the recipe gives it.
 */
public final class IngredientText {

    private IngredientText() {
    }

    /** The day with a text on every ingredient of every meal (replacing any the model wrote). */
    public static Menu.Day of(Menu.Day day, IngredientFacts facts) {
        List<Menu.Meal> meals = day.meals().stream().map(meal -> new Menu.Meal(meal.type(), of(meal.recipe(), facts)))
                .toList();
        return new Menu.Day(day.day(), meals, day.totals(), day.source(), day.model());
    }

    static Menu.Recipe of(Menu.Recipe recipe, IngredientFacts facts) {
        List<Menu.Ingredient> ingredients = recipe.ingredients().stream()
                .map(i -> new Menu.Ingredient(i.name(), i.quantity(), i.unit(), text(i, facts))).toList();
        return new Menu.Recipe(recipe.name(), recipe.cuisine(), recipe.prepMinutes(), recipe.servings(), ingredients,
                recipe.steps(), recipe.nutrition(), recipe.tags());
    }

    static String text(Menu.Ingredient ingredient, IngredientFacts facts) {
        String written = ingredient.name().trim().replaceAll("\\s+", " ");
        IngredientFacts.Fact fact = facts.find(ingredient.name()).orElse(null);
        double q = ingredient.quantity();
        if (!Units.known(ingredient.unit())) {
            return Menu.Amount.number(ShoppingList.round(q)) + " " + ingredient.unit().trim() + " " + written;
        }
        Units unit = Units.of(ingredient.unit());
        return switch (unit) {
            case PIECE -> {
                double pieces = quarters(q);
                // "½ onion", "1 onion", "1½ onions"
                yield ShoppingAmount.fraction(pieces) + " " + ShoppingList.countNoun(fact, written, pieces <= 1 ? 1 : pieces);
            }
            case TSP, TBSP -> ShoppingAmount.fraction(quarters(q)) + " " + unit.symbol + " " + written;
            case CUP -> {
                double cups = quarters(q);
                yield ShoppingAmount.fraction(cups) + (cups > 1 ? " cups " : " cup ") + written;
            }
            case G, ML -> Menu.Amount.number(scale(q)) + " " + unit.symbol + " " + written;
            // "250 ml", not "0.25 l"
            case KG, L -> q < 1 ? Menu.Amount.number(scale(q * 1000)) + (unit == Units.KG ? " g " : " ml ") + written
                    : Menu.Amount.number(ShoppingList.round(q)) + " " + unit.symbol + " " + written;
        };
    }

    /** To the nearest quarter, at least one quarter. */
    private static double quarters(double value) {
        return Math.max(0.25, Math.round(value * 4) / 4.0);
    }

    /** What a scale shows: a tenth below 10, whole units below 100, fives above. */
    private static double scale(double value) {
        if (value < 10) {
            return Math.max(0.1, Math.round(value * 10) / 10.0);
        }
        return value < 100 ? Math.round(value) : Math.round(value / 5) * 5.0;
    }
}
