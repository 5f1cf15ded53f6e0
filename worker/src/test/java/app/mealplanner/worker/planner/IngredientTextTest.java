package app.mealplanner.worker.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;

class IngredientTextTest {

    private static final Catalog CATALOG = Catalog.load();

    private static String text(String name, double quantity, String unit) {
        return IngredientText.text(new Menu.Ingredient(name, quantity, unit), CATALOG.facts());
    }

    @Test
    void shouldNamePiecesAsACookCountsThem() {
        assertThat(text("onion", 0.25, "piece")).isEqualTo("¼ onion");
        assertThat(text("onion", 0.3, "piece")).isEqualTo("¼ onion");
        assertThat(text("onion", 0.9, "piece")).isEqualTo("1 onion");
        assertThat(text("Onions", 1.5, "piece")).isEqualTo("1½ onions");
        assertThat(text("garlic", 2, "piece")).isEqualTo("2 garlic cloves");
        assertThat(text("bacon", 0.5, "piece")).isEqualTo("½ slice of bacon");
        assertThat(text("bacon", 3, "pieces")).isEqualTo("3 slices of bacon");
        assertThat(text("dragon fruit", 0.1, "piece")).isEqualTo("¼ dragon fruit");
    }

    @Test
    void shouldMeasureSpoonsInQuartersAndWeighLikeAScale() {
        assertThat(text("olive oil", 1.5, "tbsp")).isEqualTo("1½ tbsp olive oil");
        assertThat(text("salt", 0.1, "tsp")).isEqualTo("¼ tsp salt");
        assertThat(text("rice", 0.8, "cup")).isEqualTo("¾ cup rice");
        assertThat(text("rice", 2.25, "cups")).isEqualTo("2¼ cups rice");
        assertThat(text("rice", 152.4, "g")).isEqualTo("150 g rice");
        assertThat(text("rice", 37.6, "g")).isEqualTo("38 g rice");
        assertThat(text("butter", 7.25, "g")).isEqualTo("7.3 g butter");
        assertThat(text("milk", 1.256, "l")).isEqualTo("1.26 l milk");
        assertThat(text("beef broth", 0.25, "l")).isEqualTo("250 ml beef broth");
        assertThat(text("flour", 0.5, "kg")).isEqualTo("500 g flour");
        assertThat(text("saffron", 2, "pinch")).isEqualTo("2 pinch saffron");
    }

    @Test
    void shouldWriteEveryIngredientOfAPlannedMenuWithoutRawPieceFractions() {
        // one serving of recipes written for two or four: 0.25 onion, 0.5 lemon, ...
        MenuRequest request = new MenuRequest(7, List.of(MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER),
                Diet.OMNIVORE, List.of(), List.of(), null, 1, List.of(), null, null);
        Menu.Plan plan = new CatalogPlanner(CATALOG).plan(request, 3);

        List<Menu.Ingredient> ingredients = plan.days().stream().flatMap(d -> d.meals().stream())
                .flatMap(m -> m.recipe().ingredients().stream()).toList();
        assertThat(ingredients).isNotEmpty().allSatisfy(i -> {
            assertThat(i.text()).isNotBlank().doesNotContain("piece").doesNotMatch(".*\\d\\.\\d{2,}.*");
            if (i.unit().equals("piece")) {
                assertThat(i.text()).doesNotContain(".");
            }
        });
        assertThat(ingredients).anySatisfy(i -> assertThat(i.text()).matches("[¼½¾] .*"));
    }
}
