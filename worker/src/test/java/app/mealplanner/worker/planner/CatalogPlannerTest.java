package app.mealplanner.worker.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;

class CatalogPlannerTest {

    static final Catalog CATALOG = Catalog.load();
    static final CatalogPlanner PLANNER = new CatalogPlanner(CATALOG);
    static final MenuValidator VALIDATOR = new MenuValidator(CATALOG.facts());

    static MenuRequest request(int days, List<MealType> meals, Diet diet, List<Allergen> allergies,
            Integer calories) {
        return new MenuRequest(days, meals, diet, allergies, List.of(), calories, 2, List.of(), null, null);
    }

    @Test
    void shouldPlanAVeganWeekWithoutPeanutsAt1800Kcal() {
        MenuRequest request = request(7, List.of(MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER, MealType.SNACK),
                Diet.VEGAN, List.of(Allergen.PEANUTS), 1800);
        Menu.Plan plan = PLANNER.plan(request, 42);

        assertThat(VALIDATOR.violations(request, plan.days())).isEmpty();
        assertThat(plan.days()).hasSize(7).allSatisfy(day -> {
            assertThat(day.meals()).hasSize(4);
            assertThat(day.totals().calories()).isBetween(1620, 1980);
        });
        assertNoRepeatWithin(plan, CatalogPlanner.REPEAT_GAP_DAYS);
        assertThat(plan.shoppingList()).isNotEmpty();
    }

    @Test
    void shouldPlanKetoDinnersForTwoWeeks() {
        MenuRequest request = request(14, List.of(MealType.DINNER), Diet.KETO, List.of(), null);
        Menu.Plan plan = PLANNER.plan(request, 7);

        assertThat(VALIDATOR.violations(request, plan.days())).isEmpty();
        assertThat(plan.days()).hasSize(14).allSatisfy(day -> assertThat(day.meals()).singleElement()
                .satisfies(m -> assertThat(m.type()).isEqualTo(MealType.DINNER)));
        assertNoRepeatWithin(plan, CatalogPlanner.REPEAT_GAP_DAYS);
    }

    @Test
    void shouldNameTheConstraintThatLeavesNoRecipe() {
        MenuRequest request = new MenuRequest(1, List.of(MealType.DINNER), Diet.KETO, List.of(Allergen.values()),
                List.of(), null, 2, List.of(), 5, null);
        assertThatThrownBy(() -> PLANNER.plan(request, 1))
                .isInstanceOf(UnsatisfiableRequestException.class)
                .hasMessageContaining("dinner")
                .hasMessageContaining("maxPrepMinutes 5");
    }

    @Test
    void shouldHonourExcludedIngredientsInSingularOrPluralAndAnyCase() {
        MenuRequest request = new MenuRequest(5, List.of(MealType.LUNCH, MealType.DINNER), Diet.OMNIVORE, List.of(),
                List.of("Tomatoes", "ONION"), null, 2, List.of(), null, null);
        Menu.Plan plan = PLANNER.plan(request, 3);
        assertThat(VALIDATOR.violations(request, plan.days())).isEmpty();
        plan.days().forEach(day -> day.meals().forEach(meal -> meal.recipe().ingredients().forEach(i ->
                assertThat(Names.normalise(i.name())).doesNotContain("tomato").doesNotContain("onion"))));
    }

    @Test
    void shouldPreferTheRequestedCuisines() {
        String cuisine = CATALOG.recipes().stream().filter(r -> r.mealTypes().contains(MealType.DINNER))
                .map(Catalog.Recipe::cuisine).findFirst().orElseThrow();
        MenuRequest request = new MenuRequest(2, List.of(MealType.DINNER), Diet.OMNIVORE, List.of(), List.of(), null,
                2, List.of(cuisine), null, null);
        Menu.Plan plan = PLANNER.plan(request, 5);
        assertThat(plan.days().get(0).meals().get(0).recipe().cuisine()).isEqualTo(cuisine);
    }

    @Test
    void shouldScaleQuantitiesToServings() {
        MenuRequest one = new MenuRequest(1, List.of(MealType.LUNCH), Diet.OMNIVORE, List.of(), List.of(), null, 1,
                List.of(), null, null);
        MenuRequest six = new MenuRequest(1, List.of(MealType.LUNCH), Diet.OMNIVORE, List.of(), List.of(), null, 6,
                List.of(), null, null);
        Menu.Recipe forOne = PLANNER.plan(one, 9).days().get(0).meals().get(0).recipe();
        Menu.Recipe forSix = PLANNER.plan(six, 9).days().get(0).meals().get(0).recipe();
        assertThat(forSix.name()).isEqualTo(forOne.name());
        assertThat(forSix.servings()).isEqualTo(6);
        for (int i = 0; i < forOne.ingredients().size(); i++) {
            assertThat(forSix.ingredients().get(i).quantity())
                    .isCloseTo(forOne.ingredients().get(i).quantity() * 6, org.assertj.core.data.Offset.offset(0.05));
        }
        assertThat(forSix.nutrition()).isEqualTo(forOne.nutrition());
    }

    @Test
    void shouldWarnWhenTheCalorieTargetIsOutOfReach() {
        MenuRequest request = request(2, List.of(MealType.SNACK), Diet.OMNIVORE, List.of(), 4500);
        Menu.Plan plan = PLANNER.plan(request, 11);
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("4500 kcal"));
    }

    static void assertNoRepeatWithin(Menu.Plan plan, int gapDays) {
        Map<String, Integer> lastDay = new HashMap<>();
        for (Menu.Day day : plan.days()) {
            for (Menu.Meal meal : day.meals()) {
                Integer last = lastDay.put(meal.recipe().name(), day.day());
                if (last != null) {
                    assertThat(day.day() - last).as("%s on days %d and %d", meal.recipe().name(), last, day.day())
                            .isGreaterThanOrEqualTo(gapDays);
                }
            }
        }
    }
}
