package app.mealplanner.worker.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;

/** The bundled catalog is checked at build time: schema, coverage and derived allergens. */
class CatalogTest {

    private static final Catalog CATALOG = Catalog.load();

    @Test
    void shouldMatchTheirSchemas() throws Exception {
        assertThat(schemaErrors("/catalog/recipes.schema.json", Catalog.RECIPES)).isEmpty();
        assertThat(schemaErrors("/catalog/ingredients.schema.json", Catalog.INGREDIENTS)).isEmpty();
    }

    @Test
    void shouldHaveAtLeast150RecipesWithUniqueIdsAndNames() {
        List<Catalog.Recipe> recipes = CATALOG.recipes();
        assertThat(recipes).hasSizeGreaterThanOrEqualTo(150);
        assertThat(recipes.stream().map(Catalog.Recipe::id).distinct()).hasSameSizeAs(recipes);
        assertThat(recipes.stream().map(Catalog.Recipe::name).distinct()).hasSameSizeAs(recipes);
    }

    @Test
    void shouldCoverEveryDietAndMealType() {
        Map<Diet, Integer> minimum = new EnumMap<>(Diet.class);
        for (Diet diet : List.of(Diet.OMNIVORE, Diet.VEGETARIAN, Diet.VEGAN, Diet.PESCATARIAN, Diet.GLUTEN_FREE)) {
            minimum.put(diet, 8);
        }
        minimum.put(Diet.KETO, 5);
        minimum.put(Diet.PALEO, 5);
        for (Map.Entry<Diet, Integer> entry : minimum.entrySet()) {
            for (MealType type : MealType.values()) {
                long count = CATALOG.recipes().stream()
                        .filter(r -> r.diets().contains(entry.getKey()) && r.mealTypes().contains(type)).count();
                assertThat(count).as("%s %s recipes", entry.getKey().value(), type.value())
                        .isGreaterThanOrEqualTo(entry.getValue());
            }
        }
    }

    @Test
    void shouldDeriveAllergensFromTheIngredientTable() {
        IngredientFacts facts = CATALOG.facts();
        assertThat(facts.find("peanut butter").orElseThrow().allergens()).contains(Allergen.PEANUTS);
        assertThat(facts.find("parmesan").orElseThrow().allergens()).contains(Allergen.MILK);
        assertThat(facts.find("soy sauce").orElseThrow().allergens()).contains(Allergen.SOY, Allergen.WHEAT);
        assertThat(facts.find("Fresh Parmesan").orElseThrow().name()).isEqualTo("parmesan");
        for (Catalog.Recipe recipe : CATALOG.recipes()) {
            Set<Allergen> fromIngredients = new HashSet<>();
            recipe.ingredients().forEach(i -> fromIngredients.addAll(facts.find(i.name()).orElseThrow().allergens()));
            assertThat(recipe.allergens()).as(recipe.id()).isEqualTo(fromIngredients);
        }
    }

    @Test
    void shouldGiveEachRecipeSensibleNutritionAndSteps() {
        for (Catalog.Recipe r : CATALOG.recipes()) {
            double fromMacros = 4 * r.nutrition().proteinG() + 4 * r.nutrition().carbsG() + 9 * r.nutrition().fatG();
            assertThat((double) r.nutrition().calories()).as("%s kcal vs macros %.0f", r.id(), fromMacros)
                    .isBetween(fromMacros * 0.75, fromMacros * 1.25);
            assertThat(r.steps()).as(r.id()).isNotEmpty();
            assertThat(r.ingredients()).as(r.id()).allSatisfy(i -> assertThat(i.category()).isNotBlank());
        }
        Set<String> cuisines = CATALOG.recipes().stream().map(Catalog.Recipe::cuisine).collect(Collectors.toSet());
        assertThat(cuisines).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void shouldRefuseAPieceWeightWithoutItsPieceAndSource() throws Exception {
        String entry = """
                {"source": "USDA FoodData Central, SR Legacy", "ingredients": [{"name": "onion", "category": "produce",
                 "allergens": [], "contains": [], "gramsPerPiece": 110}]}""";
        try (InputStream schemaIn = CatalogTest.class.getResourceAsStream("/catalog/ingredients.schema.json")) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaIn);
            assertThat(schema.validate(new ObjectMapper().readTree(entry))).extracting(ValidationMessage::getMessage)
                    .anySatisfy(m -> assertThat(m).contains("countAs"))
                    .anySatisfy(m -> assertThat(m).contains("fdcId"));
        }
    }

    @Test
    void shouldKnowTheWeightsThatPutEachIngredientOnOneShoppingLine() {
        IngredientFacts facts = CATALOG.facts();
        Map<String, Set<Units.Family>> families = new java.util.HashMap<>();
        CATALOG.recipes().forEach(r -> r.ingredients().forEach(i -> families
                .computeIfAbsent(i.name(), k -> java.util.EnumSet.noneOf(Units.Family.class))
                .add(Units.of(i.unit()).family)));
        families.forEach((name, used) -> {
            IngredientFacts.Fact fact = facts.find(name).orElseThrow();
            if (used.contains(Units.Family.COUNT)) {
                assertThat(fact.countable()).as("%s is counted in recipes but not bought by the piece", name).isTrue();
            }
            if (used.size() > 1 && used.contains(Units.Family.VOLUME)) {
                assertThat(fact.gramsPerCup()).as("%s: measured by volume and otherwise", name).isNotNull();
            }
            if (fact.countable() && used.size() > 1) {
                assertThat(fact.gramsPerPiece()).as("%s: counted and measured otherwise", name).isNotNull();
            }
        });
        for (IngredientFacts.Fact fact : facts.all()) {
            if (fact.gramsPerCup() != null) {
                // from 1 cup of dried herbs (about 9 g) to 1 cup of honey (339 g)
                assertThat(fact.gramsPerCup()).as(fact.name()).isBetween(5.0, 400.0);
            }
        }
        assertThat(facts.find("salt").orElseThrow().pantry()).isTrue();
        assertThat(facts.find("olive oil").orElseThrow().pantry()).isTrue();
        assertThat(facts.find("onion").orElseThrow().pantry()).isFalse();
    }

    private static Set<ValidationMessage> schemaErrors(String schemaResource, String dataResource) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (InputStream schemaIn = CatalogTest.class.getResourceAsStream(schemaResource);
                InputStream dataIn = CatalogTest.class.getResourceAsStream(dataResource)) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaIn);
            JsonNode data = json.readTree(dataIn);
            return schema.validate(data);
        }
    }
}
