package app.mealplanner.worker.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;

class IgnoredCuisinesTest {

    private static final CatalogPlanner PLANNER = new CatalogPlanner(Catalog.load());

    private static MenuRequest request(List<String> cuisines) {
        return new MenuRequest(3, List.of(MealType.BREAKFAST, MealType.DINNER), Diet.OMNIVORE, List.of(), List.of(),
                null, 2, cuisines, null, null);
    }

    @Test
    void shouldNameACuisineTheCatalogDoesNotHave() {
        MenuRequest request = request(List.of("italian", "Klingon"));
        Menu.Plan plan = IgnoredCuisines.warn(request, PLANNER.plan(request, 11));

        assertThat(plan.warnings()).singleElement().asString()
                .startsWith("Ignored cuisine \"Klingon\": no meal of this menu has it")
                .doesNotContain("italian");
        assertThat(plan.days()).isNotEmpty();
    }

    @Test
    void shouldNameEveryIgnoredCuisineInOneWarning() {
        MenuRequest request = request(List.of("klingon", "vulcan"));
        Menu.Plan plan = IgnoredCuisines.warn(request, PLANNER.plan(request, 5));

        assertThat(plan.warnings()).singleElement().asString()
                .startsWith("Ignored cuisines \"klingon\", \"vulcan\": no meal of this menu has them");
    }

    @Test
    void shouldAddNothingWhenEveryCuisineIsServedOrNoneWasAsked() {
        MenuRequest italian = request(List.of("Italian"));
        Menu.Plan plan = PLANNER.plan(italian, 3);
        assertThat(IgnoredCuisines.warn(italian, plan)).isSameAs(plan);

        MenuRequest none = request(List.of());
        Menu.Plan other = PLANNER.plan(none, 3);
        assertThat(IgnoredCuisines.warn(none, other)).isSameAs(other);
    }
}
