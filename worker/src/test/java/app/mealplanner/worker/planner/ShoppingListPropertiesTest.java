package app.mealplanner.worker.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Nutrition;

/**
 * Shopping-list rules over random menus of catalog ingredients, written as a person or a model would
 * (any case, plural, any unit), mixed with ingredients nobody knows.
 */
class ShoppingListPropertiesTest {

    private static final IngredientFacts FACTS = ShoppingListTest.FACTS;
    private static final List<String> UNITS = List.of("g", "kg", "ml", "l", "tsp", "tbsp", "cup", "piece");

    @Provide
    Arbitrary<List<Menu.Day>> menus() {
        Arbitrary<String> known = Arbitraries.of(FACTS.all()).flatMap(fact -> {
            List<String> spellings = new ArrayList<>(fact.aliases());
            spellings.add(fact.name());
            spellings.add(fact.name().toUpperCase(java.util.Locale.ROOT));
            return Arbitraries.of(spellings);
        });
        // made-up words no table entry contains, as a model might invent them
        Arbitrary<String> unknown = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(3).ofMaxLength(8)
                .map(word -> "zq" + word + " fruit");
        Arbitrary<String> name = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, known),
                net.jqwik.api.Tuple.of(1, unknown));
        Arbitrary<Menu.Ingredient> ingredient = Combinators.combine(name,
                Arbitraries.doubles().between(0.05, 600).ofScale(2), Arbitraries.of(UNITS))
                .as(Menu.Ingredient::new);
        Arbitrary<Menu.Meal> meal = ingredient.list().ofMinSize(1).ofMaxSize(8)
                .map(list -> ShoppingListTest.meal(MealType.DINNER, list.toArray(Menu.Ingredient[]::new)));
        return meal.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(14).map(days -> {
            List<Menu.Day> out = new ArrayList<>();
            for (int d = 0; d < days.size(); d++) {
                out.add(new Menu.Day(d + 1, days.get(d), Nutrition.ZERO));
            }
            return out;
        });
    }

    @Property(tries = 300)
    void noCountableItemIsFractional(@ForAll("menus") List<Menu.Day> days) {
        assertThat(ShoppingList.of(days, FACTS)).filteredOn(item -> item.unit().equals("piece"))
                .allSatisfy(item -> assertThat(item.quantity() % 1).as(item.name()).isZero());
    }

    @Property(tries = 300)
    void everyIngredientHasOneLine(@ForAll("menus") List<Menu.Day> days) {
        List<Menu.ShoppingItem> list = ShoppingList.of(days, FACTS);
        assertThat(list.stream().map(item -> Names.normalise(item.name())).toList()).doesNotHaveDuplicates();
        Set<String> lines = list.stream().map(item -> Names.normalise(item.name())).collect(Collectors.toSet());
        for (Menu.Ingredient ingredient : ingredients(days)) {
            assertThat(lines).as(ingredient.name()).contains(key(ingredient));
        }
    }

    @Property(tries = 300)
    void unknownIngredientsKeepTheirOwnUnits(@ForAll("menus") List<Menu.Day> days) {
        Map<String, Set<Units.Family>> families = new HashMap<>();
        for (Menu.Ingredient ingredient : ingredients(days)) {
            if (FACTS.find(ingredient.name()).isEmpty()) {
                families.computeIfAbsent(key(ingredient), k -> new java.util.HashSet<>())
                        .add(Units.of(ingredient.unit()).family);
            }
        }
        for (Menu.ShoppingItem item : ShoppingList.of(days, FACTS)) {
            Set<Units.Family> written = families.get(Names.normalise(item.name()));
            if (written != null) {
                assertThat(written).as(item.name()).contains(Units.of(item.unit()).family);
            }
        }
    }

    @Property(tries = 300)
    void eachLineListsExactlyTheDaysThatUseIt(@ForAll("menus") List<Menu.Day> days) {
        Map<String, Set<Integer>> expected = new HashMap<>();
        for (Menu.Day day : days) {
            day.meals().forEach(meal -> meal.recipe().ingredients().forEach(ingredient ->
                    expected.computeIfAbsent(key(ingredient), k -> new java.util.TreeSet<>()).add(day.day())));
        }
        for (Menu.ShoppingItem item : ShoppingList.of(days, FACTS)) {
            assertThat(item.days()).as(item.name()).containsExactlyElementsOf(expected.get(Names.normalise(item.name())));
        }
    }

    /**
     * Each line's amounts (its own and {@code plus}) add up to what the recipes ask for, converted with the
     * table's weights, up to one rounding step above and a sliver of a step below; nothing is dropped.
     */
    @Property(tries = 300)
    void totalsArePreservedWithinRounding(@ForAll("menus") List<Menu.Day> days) {
        Map<String, Map<Units.Family, Double>> needs = new HashMap<>();
        for (Menu.Ingredient ingredient : ingredients(days)) {
            Units unit = Units.of(ingredient.unit());
            needs.computeIfAbsent(key(ingredient), k -> new java.util.EnumMap<>(Units.Family.class))
                    .merge(unit.family, ingredient.quantity() * unit.base, Double::sum);
        }
        for (Menu.ShoppingItem item : ShoppingList.of(days, FACTS)) {
            IngredientFacts.Fact fact = FACTS.find(item.name()).filter(f -> f.name().equals(item.name())).orElse(null);
            Map<Units.Family, Double> need = new java.util.EnumMap<>(needs.get(Names.normalise(item.name())));
            for (Menu.Amount extra : item.plus()) {
                Units unit = Units.of(extra.unit());
                assertWithinRounding(item.name() + " + " + extra.unit(), extra.quantity(), unit,
                        need.remove(unit.family));
            }
            Units unit = Units.of(item.unit());
            Double own = need.remove(unit.family);
            double expected = own == null ? 0 : own;
            for (Map.Entry<Units.Family, Double> converted : need.entrySet()) {
                expected += convert(fact, converted.getValue(), converted.getKey(), unit.family, item.name());
            }
            assertWithinRounding(item.name(), item.quantity(), unit, expected);
        }
    }

    @Property(tries = 200)
    void pantryStaplesComeLastAndCategoriesInStoreOrder(@ForAll("menus") List<Menu.Day> days) {
        List<Menu.ShoppingItem> list = ShoppingList.of(days, FACTS);
        assertThat(list).isSortedAccordingTo(java.util.Comparator.comparing(Menu.ShoppingItem::pantry)
                .thenComparingInt(item -> ShoppingList.categoryRank(item.category())));
        for (Menu.ShoppingItem item : list) {
            boolean staple = FACTS.find(item.name()).filter(f -> f.name().equals(item.name()))
                    .map(IngredientFacts.Fact::pantry).orElse(false);
            assertThat(item.pantry()).as(item.name()).isEqualTo(staple);
        }
    }

    private static void assertWithinRounding(String what, double listed, Units unit, Double need) {
        assertThat(need).as("%s: nothing asks for %s", what, unit.symbol).isNotNull();
        double step = switch (unit) {
            case PIECE -> 1;
            case G, ML -> 10;
            case KG, L -> 50;
            case TSP -> 0.25 * Units.TSP.base;
            case TBSP -> 0.5 * Units.TBSP.base;
            case CUP -> 0.25 * Units.CUP.base;
        };
        double base = listed * unit.base;
        assertThat(base).as("%s: %s %s for a need of %.3f", what, listed, unit.symbol, need)
                .isGreaterThanOrEqualTo(need - ShoppingAmount.SLACK * step - 1e-9)
                .isLessThanOrEqualTo(Math.max(need, 0) + step + 1e-9);
    }

    /** The table's conversion between unit families; a need it cannot convert must not vanish. */
    private static double convert(IngredientFacts.Fact fact, double base, Units.Family from, Units.Family to,
            String what) {
        assertThat(fact).as("%s: %s dropped", what, from).isNotNull();
        Double perCup = fact.gramsPerCup();
        Double perPiece = fact.gramsPerPiece();
        double grams = switch (from) {
            case MASS -> base;
            case VOLUME -> {
                assertThat(perCup).as("%s: volume dropped", what).isNotNull();
                yield base / Units.CUP.base * perCup;
            }
            case COUNT -> {
                assertThat(perPiece).as("%s: pieces dropped", what).isNotNull();
                yield base * perPiece;
            }
        };
        return switch (to) {
            case MASS -> grams;
            case COUNT -> {
                assertThat(perPiece).as("%s: weight dropped", what).isNotNull();
                yield grams / perPiece;
            }
            case VOLUME -> throw new AssertionError(what + ": nothing is converted into a volume");
        };
    }

    static String key(Menu.Ingredient ingredient) {
        return FACTS.find(ingredient.name()).map(fact -> Names.normalise(fact.name()))
                .orElse(Names.normalise(ingredient.name()));
    }

    static List<Menu.Ingredient> ingredients(List<Menu.Day> days) {
        return days.stream().flatMap(d -> d.meals().stream()).flatMap(m -> m.recipe().ingredients().stream()).toList();
    }
}
