package app.mealplanner.worker.planner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Nutrition;

/**
 * Plans menus from the bundled catalog without any model. Hard constraints (diet, allergies, excluded
 * ingredients, preparation time, days and meals) filter the recipes; among the rest it prefers the
 * requested cuisines, avoids repeats (never within 3 days when it can, never in the plan when the catalog
 * allows) and recipes whose calories suit the meal's share of the daily target; portions are then scaled
 * so that each day lands on {@code caloriesPerDay}. The same request and seed give the same menu.
 */
public final class CatalogPlanner {

    /** How a day's calories are shared between meals, before normalising over the requested ones. */
    private static final Map<MealType, Double> CALORIE_SHARE = Map.of(
            MealType.BREAKFAST, 0.25, MealType.LUNCH, 0.35, MealType.DINNER, 0.35, MealType.SNACK, 0.10);
    static final double MIN_PORTION = 0.5;
    static final double MAX_PORTION = 2.0;
    static final double CALORIE_TOLERANCE = 0.10;
    /** A recipe may come back only after this many days. */
    static final int REPEAT_GAP_DAYS = 3;

    private final Catalog catalog;

    public CatalogPlanner(Catalog catalog) {
        this.catalog = catalog;
    }

    public Menu.Plan plan(MenuRequest request, long seed) {
        Map<MealType, List<Catalog.Recipe>> pools = new EnumMap<>(MealType.class);
        for (MealType type : request.meals()) {
            pools.put(type, candidates(request, type));
        }
        Random random = new Random(seed);
        Map<String, Integer> lastUsedDay = new HashMap<>();
        Map<String, Integer> timesUsed = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        boolean closeRepeat = false;
        List<Menu.Day> days = new ArrayList<>();
        for (int day = 1; day <= request.days(); day++) {
            List<Catalog.Recipe> chosen = new ArrayList<>();
            for (MealType type : request.meals()) {
                Catalog.Recipe recipe = choose(request, type, pools.get(type), day, lastUsedDay, random);
                Integer last = lastUsedDay.get(recipe.id());
                closeRepeat |= last != null && day - last < REPEAT_GAP_DAYS;
                lastUsedDay.put(recipe.id(), day);
                timesUsed.merge(recipe.name(), 1, Integer::sum);
                chosen.add(recipe);
            }
            days.add(scaleDay(request, day, chosen, warnings));
        }
        List<String> repeated = timesUsed.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " (" + e.getValue() + "x)").toList();
        if (!repeated.isEmpty()) {
            warnings.add(0, "Not enough distinct recipes fit this request for a plan without repeats"
                    + (closeRepeat ? ", so some repeat within " + REPEAT_GAP_DAYS + " days" : "")
                    + ": " + String.join(", ", repeated));
        }
        List<Menu.Day> written = days.stream().map(d -> IngredientText.of(d, catalog.facts())).toList();
        return new Menu.Plan(Menu.SOURCE_CATALOG, null, written, ShoppingList.of(written, catalog.facts()),
                List.copyOf(warnings));
    }

    /** The recipes for one meal type that meet every hard constraint, or why there are none. */
    List<Catalog.Recipe> candidates(MenuRequest request, MealType type) {
        List<Catalog.Recipe> pool = catalog.recipes().stream().filter(r -> r.mealTypes().contains(type)).toList();
        List<String> applied = new ArrayList<>();
        pool = narrow(pool, r -> r.diets().contains(request.diet()), "diet " + request.diet().value(), applied, type);
        if (!request.allergies().isEmpty()) {
            pool = narrow(pool, r -> Collections.disjoint(r.allergens(), request.allergies()),
                    "allergies " + request.allergies().stream().map(Allergen::value).collect(Collectors.joining(", ")),
                    applied, type);
        }
        if (!request.excludeIngredients().isEmpty()) {
            MenuValidator matcher = new MenuValidator(catalog.facts());
            pool = narrow(pool, r -> r.ingredients().stream().noneMatch(i -> request.excludeIngredients().stream()
                    .anyMatch(x -> matcher.matches(i.name(), x))),
                    "excluded ingredients " + String.join(", ", request.excludeIngredients()), applied, type);
        }
        if (request.maxPrepMinutes() != null) {
            pool = narrow(pool, r -> r.prepMinutes() <= request.maxPrepMinutes(),
                    "maxPrepMinutes " + request.maxPrepMinutes(), applied, type);
        }
        return pool;
    }

    private static List<Catalog.Recipe> narrow(List<Catalog.Recipe> pool, java.util.function.Predicate<Catalog.Recipe> keep,
            String constraint, List<String> applied, MealType type) {
        List<Catalog.Recipe> kept = pool.stream().filter(keep).toList();
        applied.add(constraint);
        if (kept.isEmpty()) {
            throw new UnsatisfiableRequestException("No " + type.value() + " recipe meets "
                    + String.join("; ", applied) + ": the constraint '" + constraint
                    + "' rules out the last " + pool.size() + " candidate" + (pool.size() == 1 ? "" : "s"));
        }
        return kept;
    }

    private Catalog.Recipe choose(MenuRequest request, MealType type, List<Catalog.Recipe> pool, int day,
            Map<String, Integer> lastUsedDay, Random random) {
        Set<String> cuisines = request.cuisines().stream().map(c -> c.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        Double mealTarget = request.caloriesPerDay() == null ? null
                : request.caloriesPerDay() * CALORIE_SHARE.get(type) / shareOf(request.meals());
        Catalog.Recipe best = null;
        double bestScore = Double.MAX_VALUE;
        for (Catalog.Recipe recipe : pool) {
            double score = random.nextDouble() * 20;
            Integer last = lastUsedDay.get(recipe.id());
            if (last != null) {
                score += day - last < REPEAT_GAP_DAYS ? 100_000 : 1_000;
            }
            if (!cuisines.isEmpty() && cuisines.contains(recipe.cuisine().toLowerCase(Locale.ROOT))) {
                score -= 40;
            }
            if (mealTarget != null) {
                score += 100 * Math.abs(recipe.nutrition().calories() - mealTarget) / mealTarget;
            }
            if (score < bestScore) {
                bestScore = score;
                best = recipe;
            }
        }
        return best;
    }

    private static double shareOf(List<MealType> meals) {
        return meals.stream().mapToDouble(CALORIE_SHARE::get).sum();
    }

    private static Menu.Day scaleDay(MenuRequest request, int day, List<Catalog.Recipe> recipes, List<String> warnings) {
        double portion = 1.0;
        if (request.caloriesPerDay() != null) {
            int base = recipes.stream().mapToInt(r -> r.nutrition().calories()).sum();
            double wanted = (double) request.caloriesPerDay() / base;
            portion = Math.round(Math.max(MIN_PORTION, Math.min(MAX_PORTION, wanted)) * 100) / 100.0;
        }
        List<Menu.Meal> meals = new ArrayList<>();
        Nutrition totals = Nutrition.ZERO;
        for (int i = 0; i < recipes.size(); i++) {
            Catalog.Recipe recipe = recipes.get(i);
            Menu.Recipe scaled = scale(recipe, request.servings(), portion);
            meals.add(new Menu.Meal(request.meals().get(i), scaled));
            totals = totals.plus(scaled.nutrition());
        }
        if (request.caloriesPerDay() != null) {
            double off = Math.abs(totals.calories() - request.caloriesPerDay()) / (double) request.caloriesPerDay();
            if (off > CALORIE_TOLERANCE) {
                warnings.add("Day " + day + " comes to " + totals.calories() + " kcal per person, the closest the "
                        + "catalog allows to the target of " + request.caloriesPerDay() + " kcal");
            }
        }
        return new Menu.Day(day, List.copyOf(meals), totals);
    }

    /** The recipe for {@code servings} people at {@code portion} times a normal serving. */
    static Menu.Recipe scale(Catalog.Recipe recipe, int servings, double portion) {
        double factor = servings * portion / recipe.servings();
        List<Menu.Ingredient> ingredients = recipe.ingredients().stream()
                .map(i -> new Menu.Ingredient(i.name(), ShoppingList.round(i.quantity() * factor), i.unit()))
                .toList();
        List<String> tags = portion == 1.0 ? recipe.tags()
                : concat(recipe.tags(), "portion x" + portion);
        return new Menu.Recipe(recipe.name(), recipe.cuisine(), recipe.prepMinutes(), servings, ingredients,
                recipe.steps(), recipe.nutrition().times(portion), tags);
    }

    private static List<String> concat(List<String> list, String extra) {
        List<String> out = new ArrayList<>(list);
        out.add(extra);
        return List.copyOf(out);
    }
}
