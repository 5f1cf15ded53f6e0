package app.mealplanner.worker.planner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Nutrition;

/**
 * The bundled recipes ({@code catalog/recipes.json}) joined with the ingredient table
 * ({@code catalog/ingredients.json}): each recipe knows its ingredients' shopping categories, its
 * allergens and the diets it fits, all derived from the table.
 */
public final class Catalog {

    public static final String RECIPES = "/catalog/recipes.json";
    public static final String INGREDIENTS = "/catalog/ingredients.json";

    public record Ingredient(String name, double quantity, String unit, String category) {
    }

    public record Recipe(
            String id,
            String name,
            Set<MealType> mealTypes,
            String cuisine,
            int prepMinutes,
            int servings,
            List<Ingredient> ingredients,
            List<String> steps,
            Nutrition nutrition,
            List<String> tags,
            Set<Allergen> allergens,
            Set<Diet> diets) {
    }

    record RecipeEntry(String id, String name, List<MealType> mealTypes, String cuisine, int prepMinutes,
            int servings, List<IngredientEntry> ingredients, List<String> steps, Nutrition nutrition,
            List<String> tags) {
    }

    record IngredientEntry(String name, double quantity, String unit) {
    }

    record RecipeFile(List<RecipeEntry> recipes) {
    }

    private final List<Recipe> recipes;
    private final IngredientFacts facts;

    private Catalog(List<Recipe> recipes, IngredientFacts facts) {
        this.recipes = List.copyOf(recipes);
        this.facts = facts;
    }

    public static Catalog load() {
        return load(RECIPES, IngredientFacts.load(INGREDIENTS));
    }

    static Catalog load(String resource, IngredientFacts facts) {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = Catalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            List<Recipe> recipes = new ArrayList<>();
            for (RecipeEntry entry : json.readValue(in, RecipeFile.class).recipes()) {
                recipes.add(toRecipe(entry, facts));
            }
            return new Catalog(recipes, facts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Recipe toRecipe(RecipeEntry e, IngredientFacts facts) {
        List<Ingredient> ingredients = new ArrayList<>();
        Set<Allergen> allergens = EnumSet.noneOf(Allergen.class);
        Set<IngredientFacts.Content> contains = EnumSet.noneOf(IngredientFacts.Content.class);
        for (IngredientEntry i : e.ingredients()) {
            IngredientFacts.Fact fact = facts.find(i.name())
                    .filter(f -> f.name().equals(i.name()))
                    .orElseThrow(() -> new IllegalStateException(
                            "recipe " + e.id() + " uses '" + i.name() + "', which is not in the ingredient table"));
            ingredients.add(new Ingredient(i.name(), i.quantity(), i.unit(), fact.category()));
            allergens.addAll(fact.allergens());
            contains.addAll(fact.contains());
        }
        Set<Diet> diets = EnumSet.noneOf(Diet.class);
        for (Diet diet : Diet.values()) {
            if (IngredientFacts.allows(diet, contains, e.nutrition())) {
                diets.add(diet);
            }
        }
        return new Recipe(e.id(), e.name(), EnumSet.copyOf(e.mealTypes()), e.cuisine(), e.prepMinutes(),
                e.servings(), List.copyOf(ingredients), List.copyOf(e.steps()), e.nutrition(),
                List.copyOf(e.tags()), allergens, diets);
    }

    public List<Recipe> recipes() {
        return recipes;
    }

    public IngredientFacts facts() {
        return facts;
    }
}
