package app.mealplanner.worker.planner;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;

/**
 * Lists every hard constraint of a request that a menu breaks: days, meals, diet, allergies, excluded
 * ingredients, preparation time and servings. Catalog menus and model menus go through the same check;
 * diets and allergens come from the ingredient table, never from what a menu says about itself.
 */
public final class MenuValidator {

    private final IngredientFacts facts;

    public MenuValidator(IngredientFacts facts) {
        this.facts = facts;
    }

    public List<String> violations(MenuRequest request, List<Menu.Day> days) {
        List<String> violations = new ArrayList<>();
        if (days == null || days.size() != request.days()) {
            violations.add("the plan has " + (days == null ? 0 : days.size()) + " days, " + request.days()
                    + " were requested");
        }
        if (days == null) {
            return violations;
        }
        for (int d = 0; d < days.size(); d++) {
            violations.addAll(dayViolations(request, days.get(d), d + 1));
        }
        return violations;
    }

    /** The hard constraints one day breaks: its number, its meals (exactly the requested ones) and each recipe. */
    public List<String> dayViolations(MenuRequest request, Menu.Day day, int expectedDay) {
        List<String> violations = new ArrayList<>();
        if (day.day() != expectedDay) {
            violations.add("day " + expectedDay + " is numbered " + day.day());
        }
        List<MealType> types = day.meals().stream().map(Menu.Meal::type).toList();
        if (types.size() != request.meals().size()
                || !new java.util.HashSet<>(types).equals(new java.util.HashSet<>(request.meals()))) {
            violations.add("day " + day.day() + " has meals " + names(types) + ", requested " + names(request.meals()));
        }
        for (Menu.Meal meal : day.meals()) {
            checkRecipe(request, "day " + day.day() + " " + meal.type().value() + " '" + meal.recipe().name() + "'",
                    meal.recipe(), violations);
        }
        return violations;
    }

    /**
     * What a recipe's name alone gives away before it is written (a menu outline): an allergen, an excluded
     * ingredient, or meat or fish the diet forbids ("Thai peanut noodles", "Chicken tikka"). Known ingredient
     * names are matched word by word, longest first, so that "butter beans" is not butter.
     */
    public List<String> nameViolations(MenuRequest request, String recipeName) {
        List<String> violations = new ArrayList<>();
        String normal = Names.normalise(recipeName);
        for (String excluded : request.excludeIngredients()) {
            if (Names.containsWords(normal, Names.normalise(excluded))) {
                violations.add("'" + recipeName + "' names the excluded ingredient '" + excluded + "'");
            }
        }
        String[] words = normal.isEmpty() ? new String[0] : normal.split(" ");
        for (int i = 0; i < words.length;) {
            int taken = 1;
            for (int n = Math.min(4, words.length - i); n >= 1; n--) {
                var fact = facts.named(String.join(" ", java.util.Arrays.copyOfRange(words, i, i + n)));
                if (fact.isPresent()) {
                    taken = n;
                    nameFacts(request, recipeName, fact.get(), violations);
                    break;
                }
            }
            i += taken;
        }
        return violations;
    }

    private static void nameFacts(MenuRequest request, String recipeName, IngredientFacts.Fact fact,
            List<String> violations) {
        Set<Allergen> present = EnumSet.noneOf(Allergen.class);
        present.addAll(fact.allergens());
        present.retainAll(request.allergies());
        if (!present.isEmpty()) {
            violations.add("'" + recipeName + "' suggests " + fact.name() + ", which contains " + present.stream()
                    .map(Allergen::value).collect(Collectors.joining(", ")));
        }
        Set<IngredientFacts.Content> animal = EnumSet.noneOf(IngredientFacts.Content.class);
        animal.addAll(fact.contains());
        animal.retainAll(EnumSet.of(IngredientFacts.Content.MEAT, IngredientFacts.Content.POULTRY,
                IngredientFacts.Content.FISH, IngredientFacts.Content.SHELLFISH));
        if (!animal.isEmpty() && !IngredientFacts.forbidden(request.diet(), animal).isEmpty()) {
            violations.add("'" + recipeName + "' suggests " + fact.name() + ", which is not "
                    + request.diet().value());
        }
    }

    private void checkRecipe(MenuRequest request, String where, Menu.Recipe recipe, List<String> violations) {
        if (request.maxPrepMinutes() != null && recipe.prepMinutes() > request.maxPrepMinutes()) {
            violations.add(where + " takes " + recipe.prepMinutes() + " minutes, the limit is "
                    + request.maxPrepMinutes());
        }
        if (recipe.servings() != request.servings()) {
            violations.add(where + " is for " + recipe.servings() + " servings, " + request.servings()
                    + " were requested");
        }
        boolean mustKnow = !request.allergies().isEmpty() || request.diet() != Diet.OMNIVORE;
        for (Menu.Ingredient ingredient : recipe.ingredients()) {
            String name = ingredient.name();
            if (!Units.known(ingredient.unit())) {
                violations.add(where + ": '" + name + "' has an unknown unit '" + ingredient.unit() + "'");
            }
            if (!(ingredient.quantity() > 0)) {
                violations.add(where + ": '" + name + "' has no positive quantity");
            }
            for (String excluded : request.excludeIngredients()) {
                if (matches(name, excluded)) {
                    violations.add(where + " contains excluded ingredient '" + excluded + "' (" + name + ")");
                }
            }
            IngredientFacts.Fact fact = facts.find(name).orElse(null);
            if (fact == null) {
                if (mustKnow) {
                    violations.add(where + ": ingredient '" + name
                            + "' is unknown, so its allergens and diet cannot be verified");
                }
                continue;
            }
            Set<Allergen> present = EnumSet.noneOf(Allergen.class);
            present.addAll(fact.allergens());
            present.retainAll(request.allergies());
            if (!present.isEmpty()) {
                violations.add(where + " contains " + present.stream().map(Allergen::value)
                        .collect(Collectors.joining(", ")) + " (" + name + ")");
            }
            Set<IngredientFacts.Content> forbidden = IngredientFacts.forbidden(request.diet(), fact.contains());
            if (!forbidden.isEmpty()) {
                violations.add(where + " is not " + request.diet().value() + ": " + name + " contains "
                        + forbidden.stream().map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                                .collect(Collectors.joining(", ")));
            }
        }
    }

    /** Whether an ingredient is what the user excluded: same words, singular or plural, or the same known food. */
    boolean matches(String ingredient, String excluded) {
        String normalIngredient = Names.normalise(ingredient);
        String normalExcluded = Names.normalise(excluded);
        if (Names.containsWords(normalIngredient, normalExcluded)) {
            return true;
        }
        IngredientFacts.Fact excludedFact = facts.find(excluded).orElse(null);
        if (excludedFact == null || !Names.normalise(excludedFact.name()).equals(normalExcluded)
                && excludedFact.aliases().stream().map(Names::normalise).noneMatch(normalExcluded::equals)) {
            return false;
        }
        return facts.find(ingredient).map(f -> f == excludedFact).orElse(false);
    }

    private static String names(List<MealType> types) {
        return types.stream().map(MealType::value).collect(Collectors.joining(", ", "[", "]"));
    }
}
