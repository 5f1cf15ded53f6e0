package app.mealplanner.worker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.menu.Menu;
import app.mealplanner.worker.planner.Catalog;
import app.mealplanner.worker.planner.CatalogPlanner;

/** The fake model writes recipes of the size real models write: 8 ingredients, 6 steps, about 200 tokens. */
class FakeAnswersTest {

    @Test
    void shouldWriteRecipesOfRealisticSize() {
        CatalogPlanner planner = new CatalogPlanner(Catalog.load());
        Catalog catalog = Catalog.load();
        long chars = 0;
        int recipes = 0;
        int ingredients = 0;
        for (Catalog.Recipe r : catalog.recipes()) {
            Menu.Recipe recipe = new Menu.Recipe(r.name(), r.cuisine(), r.prepMinutes(), r.servings(),
                    r.ingredients().stream().map(i -> new Menu.Ingredient(i.name(), i.quantity(), i.unit())).toList(),
                    r.steps(), r.nutrition(), r.tags());
            Map<String, Object> meal = FakeAnswers.meal(r.mealTypes().iterator().next(), recipe);
            @SuppressWarnings("unchecked")
            Map<String, Object> written = (Map<String, Object>) meal.get("recipe");
            assertThat((List<?>) written.get("steps")).hasSize(6);
            assertThat(((List<?>) written.get("ingredients")).size()).isLessThanOrEqualTo(8);
            ingredients += ((List<?>) written.get("ingredients")).size();
            chars += FakeAnswers.write(meal).length();
            recipes++;
        }
        double tokens = chars / 4.0 / recipes;
        System.out.printf("the fake writes %.0f tokens per recipe on average (%d recipes)%n", tokens, recipes);
        assertThat(tokens).isBetween(170.0, 260.0);
        assertThat((double) ingredients / recipes).isGreaterThan(7.5);
        assertThat(planner).isNotNull();
    }
}
