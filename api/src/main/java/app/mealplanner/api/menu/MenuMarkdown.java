package app.mealplanner.api.menu;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Nutrition;

/**
 * The whole menu as Markdown to print or keep: what was asked for, each day's meals with their recipes
 * (ingredients and numbered steps), the day's totals, and the shopping list as a checklist by store
 * section. Text that may come from a model is escaped, so it reads as text: no links, images, HTML or
 * emphasis of its own.
 */
final class MenuMarkdown {

    /** Units that only count ("2 × banana" reads better than "2 piece banana"). */
    private static final java.util.Set<String> PIECES = java.util.Set.of("piece", "pieces", "pc", "pcs", "whole");

    private MenuMarkdown() {
    }

    static String of(Menu menu) {
        StringBuilder md = new StringBuilder();
        MenuRequest request = menu.request();
        md.append("# Meal plan: ").append(menu.days().size()).append(menu.days().size() == 1 ? " day" : " days")
                .append(", ").append(request.diet().value()).append("\n\n");
        md.append(about(menu)).append("\n\n");
        if (!menu.warnings().isEmpty()) {
            md.append("Notes:\n\n");
            menu.warnings().forEach(w -> md.append("- ").append(escape(w)).append('\n'));
            md.append('\n');
        }
        for (Menu.Day day : menu.days()) {
            md.append("## Day ").append(day.day()).append("\n\n");
            for (Menu.Meal meal : day.meals()) {
                recipe(md, meal);
            }
            md.append("**Day ").append(day.day()).append(" per person:** ").append(nutrition(day.totals()))
                    .append("\n\n");
        }
        md.append("## Shopping list\n");
        for (Map.Entry<String, List<Menu.ShoppingItem>> section : ShoppingListSections.of(menu.shoppingList())
                .entrySet()) {
            md.append("\n### ").append(section.getKey()).append("\n\n");
            for (Menu.ShoppingItem item : section.getValue()) {
                md.append("- [ ] ").append(escape(item.text())).append(ShoppingListSections.days(item)).append('\n');
            }
        }
        return md.toString();
    }

    private static String about(Menu menu) {
        MenuRequest request = menu.request();
        StringBuilder about = new StringBuilder("Made ").append(Downloads.date(menu)).append(" · ")
                .append(request.servings()).append(request.servings() == 1 ? " serving" : " servings")
                .append(" per meal");
        if (request.caloriesPerDay() != null) {
            about.append(" · ").append(request.caloriesPerDay()).append(" kcal a day");
        }
        if (!request.allergies().isEmpty()) {
            about.append(" · without ").append(request.allergies().stream().map(Allergen::value)
                    .collect(Collectors.joining(", ")));
        }
        if (!request.excludeIngredients().isEmpty()) {
            about.append(" · no ").append(escape(String.join(", ", request.excludeIngredients())));
        }
        about.append(" · ").append(Menu.SOURCE_LLM.equals(menu.source())
                ? "written by " + (menu.model() == null ? "a language model" : escape(menu.model()))
                : "from the recipe catalog");
        return about.toString();
    }

    private static void recipe(StringBuilder md, Menu.Meal meal) {
        Menu.Recipe recipe = meal.recipe();
        String type = meal.type().value();
        md.append("### ").append(type.substring(0, 1).toUpperCase(Locale.ROOT)).append(type.substring(1))
                .append(": ").append(escape(recipe.name())).append("\n\n");
        md.append('*').append(escape(recipe.cuisine())).append(" · ").append(recipe.prepMinutes()).append(" min · ")
                .append(recipe.servings()).append(recipe.servings() == 1 ? " serving" : " servings")
                .append(" · per serving ").append(nutrition(recipe.nutrition())).append("*\n\n");
        md.append("Ingredients:\n\n");
        for (Menu.Ingredient ingredient : recipe.ingredients()) {
            if (ingredient.text() != null) { // as the worker wrote it for a cook: "½ onion"
                md.append("- ").append(escape(ingredient.text())).append('\n');
                continue;
            }
            String unit = ingredient.unit().strip().toLowerCase(Locale.ROOT);
            md.append("- ").append(Menu.Amount.number(ingredient.quantity()))
                    .append(PIECES.contains(unit) ? " ×" : " " + escape(ingredient.unit())).append(' ')
                    .append(escape(ingredient.name())).append('\n');
        }
        md.append("\nSteps:\n\n");
        for (int i = 0; i < recipe.steps().size(); i++) {
            md.append(i + 1).append(". ").append(escape(recipe.steps().get(i))).append('\n');
        }
        md.append('\n');
    }

    private static String nutrition(Nutrition n) {
        return n.calories() + " kcal, " + Menu.Amount.number(n.proteinG()) + " g protein, "
                + Menu.Amount.number(n.carbsG()) + " g carbs, " + Menu.Amount.number(n.fatG()) + " g fat";
    }

    /**
     * Text as text: on one line, with every character that Markdown could read as markup (links, images,
     * HTML, code, emphasis, tables) escaped with a backslash, as CommonMark allows for any ASCII punctuation.
     */
    static String escape(String text) {
        String line = ShoppingListText.oneLine(text);
        StringBuilder out = new StringBuilder(line.length() + 8);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ("\\`*_[]<>&|~#".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
