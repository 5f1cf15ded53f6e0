package app.mealplanner.worker.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Nutrition;

/** What a person shops from: examples of the shopping-list rules. */
class ShoppingListTest {

    static final IngredientFacts FACTS = CatalogPlannerTest.CATALOG.facts();

    @Test
    void shouldCountOnionsInWholeOnionsRoundedUp() {
        List<Menu.ShoppingItem> list = ShoppingList.of(List.of(
                day(1, i("onion", 1.5, "piece")), day(2, i("Onions", 0.75, "piece")), day(3, i("onion", 2, "piece"))),
                FACTS);

        assertThat(list).singleElement().satisfies(item -> {
            assertThat(item.name()).isEqualTo("onion");
            assertThat(item.quantity()).isEqualTo(5);
            assertThat(item.unit()).isEqualTo("piece");
        });
    }

    @Test
    void shouldListSpinachOnceInGramsWhenSomeRecipesMeasureItInCups() {
        List<Menu.ShoppingItem> list = ShoppingList.of(List.of(
                day(1, i("spinach", 2, "cup")), day(2, i("spinach", 200, "g"))), FACTS);

        // USDA: 1 cup of raw spinach weighs 30 g
        assertThat(list).singleElement().satisfies(item -> {
            assertThat(item.name()).isEqualTo("spinach");
            assertThat(item.quantity()).isEqualTo(260);
            assertThat(item.unit()).isEqualTo("g");
        });
    }

    @Test
    void shouldTurnAWeighedOnionIntoWholeOnions() {
        // USDA: a medium onion weighs 110 g; 1 + 220 g / 110 g = 3
        List<Menu.ShoppingItem> list = ShoppingList.of(List.of(
                day(1, i("onion", 1, "piece")), day(2, i("onion", 220, "g"))), FACTS);

        assertThat(list).singleElement().satisfies(item -> {
            assertThat(item.quantity()).isEqualTo(3);
            assertThat(item.unit()).isEqualTo("piece");
        });
    }

    @Test
    void shouldKeepAModelsUnknownIngredientsInTheirOwnUnitsOnOneLine() {
        List<Menu.ShoppingItem> list = ShoppingList.of(List.of(
                day(1, i("Dragon fruit", 1, "piece"), i("blorb paste", 120, "g")),
                day(2, i("dragon fruits", 1.5, "piece"), i("blorb paste", 2, "tbsp"))), FACTS);

        assertThat(list).extracting(Menu.ShoppingItem::name).doesNotHaveDuplicates().hasSize(2);
        assertThat(list).filteredOn(item -> item.name().equalsIgnoreCase("dragon fruit")).singleElement()
                .satisfies(item -> {
                    assertThat(item.quantity()).isEqualTo(3);
                    assertThat(item.unit()).isEqualTo("piece");
                    assertThat(item.text()).isEqualTo("3 Dragon fruits");
                });
        assertThat(list).filteredOn(item -> item.name().contains("blorb")).singleElement().satisfies(item -> {
            assertThat(item.quantity()).isEqualTo(120);
            assertThat(item.unit()).isEqualTo("g");
        });
    }

    @Test
    void shouldListNoIngredientTwiceAndNoFractionalCountableItemForAWeekOfCatalogMenus() {
        MenuRequest week = new MenuRequest(7, List.of(MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER,
                MealType.SNACK), Diet.OMNIVORE, List.of(), List.of(), 2300, 2, List.of(), null, null);
        MenuRequest veganWeek = new MenuRequest(7, List.of(MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER),
                Diet.VEGAN, List.of(Allergen.PEANUTS), List.of(), 1800, 3, List.of(), null, null);
        for (MenuRequest request : List.of(week, veganWeek)) {
            for (long seed = 1; seed <= 20; seed++) {
                List<Menu.ShoppingItem> list = CatalogPlannerTest.PLANNER.plan(request, seed).shoppingList();
                assertThat(list).extracting(Menu.ShoppingItem::name).as("seed %d", seed).doesNotHaveDuplicates();
                assertThat(list).filteredOn(item -> item.unit().equals("piece")).as("seed %d", seed)
                        .allSatisfy(item -> assertThat(item.quantity() % 1).as(item.name()).isZero());
                assertThat(list).as("seed %d", seed).allSatisfy(item -> assertThat(item.plus()).isEmpty());
            }
        }
    }

    @Test
    void shouldSayWhichDaysUseEachLine() {
        List<Menu.ShoppingItem> list = ShoppingList.of(List.of(
                day(1, i("onion", 1, "piece")), day(2, i("garlic", 2, "piece")), day(3, i("red onion", 1, "piece"),
                        i("onion", 1, "piece"), i("onion", 0.5, "piece"))), FACTS);

        assertThat(line(list, "onion").days()).containsExactly(1, 3);
        assertThat(line(list, "garlic").days()).containsExactly(2);
        assertThat(line(list, "red onion").days()).containsExactly(3);
    }

    @Test
    void shouldGroupPantryStaplesAfterWhatToBuy() {
        List<Menu.ShoppingItem> list = ShoppingList.of(List.of(day(1, i("salt", 1, "tsp"), i("olive oil", 2, "tbsp"),
                i("onion", 1, "piece"), i("ground cumin", 1, "tsp"), i("parmesan", 30, "g"), i("black pepper", 0.5,
                        "tsp"))), FACTS);

        assertThat(list).extracting(Menu.ShoppingItem::name)
                .containsExactly("onion", "parmesan", "olive oil", "black pepper", "cumin", "salt");
        assertThat(list).extracting(Menu.ShoppingItem::pantry).containsExactly(false, false, true, true, true, true);
    }

    @Test
    void shouldWriteEachLineTheWayAPersonReadsIt() {
        List<Menu.ShoppingItem> list = ShoppingList.of(List.of(
                day(1, i("onion", 4.2, "piece"), i("garlic", 3, "piece"), i("bacon", 2, "piece"), i("lemon", 1, "piece"),
                        i("spinach", 2, "cup"), i("parsley", 0.3, "cup"), i("olive oil", 20, "tbsp"),
                        i("cherry tomato", 300, "g"), i("zucchini", 2.5, "piece"), i("romaine lettuce", 1.5, "cup"),
                        i("bay leaf", 3, "piece"), i("vegetable broth", 1, "l"), i("vegetable broth", 250, "ml"),
                        i("salt", 0.3, "tsp"), i("chicken thigh", 1002, "g"), i("blorb paste", 120, "g"),
                        i("blorb paste", 2, "tbsp"))), FACTS);

        assertThat(list).extracting(Menu.ShoppingItem::text).containsExactlyInAnyOrder(
                "5 onions", "3 garlic cloves", "2 slices of bacon", "1 lemon", "2 cups spinach", "½ cup parsley",
                "1¼ cups olive oil", "300 g cherry tomatoes", "3 zucchini", "1 head of romaine lettuce",
                "3 bay leaves", "1.25 l vegetable broth", "½ tsp salt", "1 kg chicken thighs",
                "120 g blorb paste + 2 tbsp");
    }

    @Test
    void shouldKeepWhatCannotBeConvertedOnTheSameLine() {
        Menu.ShoppingItem blorb = ShoppingList.of(List.of(day(1, i("Blorb paste", 120, "g")),
                day(2, i("blorb paste", 2, "tbsp"), i("blorb paste", 1, "piece"))), FACTS).get(0);

        assertThat(blorb.name()).isEqualTo("Blorb paste");
        assertThat(blorb.category()).isEqualTo("other");
        assertThat(blorb.quantity()).isEqualTo(120);
        assertThat(blorb.unit()).isEqualTo("g");
        assertThat(blorb.plus()).containsExactly(new Menu.Amount(2, "tbsp"), new Menu.Amount(1, "piece"));
        assertThat(blorb.days()).containsExactly(1, 2);
    }

    @Test
    void shouldRoundUpToWhatOneBuysButNotForASliver() {
        List<Menu.ShoppingItem> list = ShoppingList.of(List.of(day(1, i("onion", 4.03, "piece"),
                i("chicken breast", 1001, "g"), i("rice noodles", 182, "g"), i("coconut milk", 199, "ml"),
                i("soy sauce", 1.1, "tbsp"))), FACTS);

        assertThat(list).extracting(Menu.ShoppingItem::text).containsExactlyInAnyOrder("4 onions",
                "1 kg chicken breasts", "190 g rice noodles", "200 ml coconut milk", "1½ tbsp soy sauce");
    }

    static Menu.Ingredient i(String name, double quantity, String unit) {
        return new Menu.Ingredient(name, quantity, unit);
    }

    static Menu.ShoppingItem line(List<Menu.ShoppingItem> list, String name) {
        return list.stream().filter(item -> item.name().equals(name)).findFirst().orElseThrow();
    }

    static Menu.Day day(int day, Menu.Ingredient... ingredients) {
        return new Menu.Day(day, List.of(meal(MealType.DINNER, ingredients)), Nutrition.ZERO);
    }

    static Menu.Meal meal(MealType type, Menu.Ingredient... ingredients) {
        List<Menu.Ingredient> list = new ArrayList<>(Arrays.asList(ingredients));
        return new Menu.Meal(type, new Menu.Recipe("Test dish", "test", 10, 2, list, List.of("Cook it."),
                Nutrition.ZERO, List.of()));
    }
}
