package app.mealplanner.worker.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import app.mealplanner.common.menu.Menu;

/**
 * Sums the ingredients of a plan into a list a person can shop from: one line per ingredient, in one
 * unit where the ingredient table knows how to convert (USDA cup and piece weights), rounded up to what
 * one buys ({@link ShoppingAmount}); what cannot be converted stays on the same line in its own unit.
 * What is bought by the piece is counted in whole pieces; everything else is weighed when any recipe
 * weighs it, else measured by volume. Lines are grouped by shopping category in store order, pantry
 * staples last, and say which days use them. Ingredients the table does not know (a model's) keep their
 * own name and units.
 */
public final class ShoppingList {

    static final List<String> CATEGORY_ORDER = List.of("produce", "meat", "seafood", "dairy", "eggs", "bakery",
            "grains", "legumes", "nuts-seeds", "canned", "frozen", "condiments", "oils", "spices", "sweeteners",
            "beverages", "other");
    static final String UNKNOWN_CATEGORY = "other";

    /** Everything the plan needs of one ingredient, in base units (g, ml, pieces) per family. */
    private static final class Need {
        final IngredientFacts.Fact fact;
        final String written;
        final SortedSet<Integer> days = new TreeSet<>();
        final Map<Units.Family, Double> base = new EnumMap<>(Units.Family.class);
        /** Units the validator would refuse; kept as written rather than dropped. */
        final Map<String, Double> unconvertible = new LinkedHashMap<>();
        boolean metric;

        Need(IngredientFacts.Fact fact, String written) {
            this.fact = fact;
            this.written = written;
        }

        void add(Menu.Ingredient ingredient, int day) {
            days.add(day);
            if (!Units.known(ingredient.unit())) {
                unconvertible.merge(ingredient.unit().trim(), ingredient.quantity(), Double::sum);
                return;
            }
            Units unit = Units.of(ingredient.unit());
            base.merge(unit.family, ingredient.quantity() * unit.base, Double::sum);
            metric |= unit == Units.ML || unit == Units.L;
        }
    }

    private ShoppingList() {
    }

    public static List<Menu.ShoppingItem> of(List<Menu.Day> days, IngredientFacts facts) {
        Map<String, Need> needs = new LinkedHashMap<>();
        for (Menu.Day day : days) {
            for (Menu.Meal meal : day.meals()) {
                for (Menu.Ingredient ingredient : meal.recipe().ingredients()) {
                    IngredientFacts.Fact fact = facts.find(ingredient.name()).orElse(null);
                    String key = fact == null ? Names.normalise(ingredient.name()) : fact.name();
                    needs.computeIfAbsent(key, k -> new Need(fact, ingredient.name().trim().replaceAll("\\s+", " ")))
                            .add(ingredient, day.day());
                }
            }
        }
        List<Menu.ShoppingItem> items = new ArrayList<>();
        needs.values().forEach(need -> items.add(item(need)));
        items.sort(Comparator.comparing(Menu.ShoppingItem::pantry)
                .thenComparingInt(i -> categoryRank(i.category()))
                .thenComparing(i -> i.name().toLowerCase(Locale.ROOT)));
        return List.copyOf(items);
    }

    private static Menu.ShoppingItem item(Need need) {
        IngredientFacts.Fact fact = need.fact;
        Map<Units.Family, Double> left = new EnumMap<>(need.base);
        Units.Family family = family(fact, left);
        double total = convert(fact, left, family);
        if (total == 0 && !left.isEmpty()) {
            // nothing converts into the preferred unit (no weight known): list what there is as written
            family = left.containsKey(Units.Family.MASS) ? Units.Family.MASS
                    : left.containsKey(Units.Family.VOLUME) ? Units.Family.VOLUME : Units.Family.COUNT;
            total = left.remove(family);
        }
        List<Menu.Amount> plus = new ArrayList<>();
        List<String> plusWords = new ArrayList<>();
        left.forEach((f, base) -> {
            ShoppingAmount extra = amount(f, base, need.metric);
            plus.add(new Menu.Amount(extra.quantity(), extra.unit().symbol));
            plusWords.add(extra.words());
        });
        need.unconvertible.forEach((unit, quantity) -> {
            plus.add(new Menu.Amount(round(quantity), unit));
            plusWords.add(Menu.Amount.number(round(quantity)) + " " + unit);
        });
        double quantity;
        String unit;
        String phrase;
        if (total == 0 && !plus.isEmpty()) {
            // only units nobody can convert: the first of them stands for the line
            Menu.Amount first = plus.remove(0);
            quantity = first.quantity();
            unit = first.unit();
            phrase = plusWords.remove(0) + " " + listName(fact, need.written);
        } else {
            ShoppingAmount amount = amount(family, total, need.metric);
            quantity = amount.quantity();
            unit = amount.unit().symbol;
            phrase = amount.words() + " " + (amount.unit() == Units.PIECE
                    ? countNoun(fact, need.written, amount.quantity()) : listName(fact, need.written));
        }
        StringBuilder text = new StringBuilder(phrase);
        plusWords.forEach(words -> text.append(" + ").append(words));
        return new Menu.ShoppingItem(fact == null ? need.written : fact.name(), quantity, unit,
                fact == null ? UNKNOWN_CATEGORY : fact.category(), plus, List.copyOf(need.days),
                fact != null && fact.pantry(), text.toString());
    }

    /** The unit family a line is in: pieces for what is bought by the piece, else weight, else volume. */
    private static Units.Family family(IngredientFacts.Fact fact, Map<Units.Family, Double> base) {
        if (fact != null && fact.countable()) {
            return Units.Family.COUNT;
        }
        if (base.containsKey(Units.Family.MASS)) {
            return Units.Family.MASS;
        }
        return base.containsKey(Units.Family.VOLUME) ? Units.Family.VOLUME : Units.Family.COUNT;
    }

    /**
     * The need in {@code target}'s base unit: its own amount plus every other family the fact's weights
     * convert; what is converted is removed from {@code left}.
     */
    private static double convert(IngredientFacts.Fact fact, Map<Units.Family, Double> left, Units.Family target) {
        double total = left.getOrDefault(target, 0.0);
        left.remove(target);
        if (fact == null) {
            return total;
        }
        Double perCup = fact.gramsPerCup();
        Double perPiece = fact.gramsPerPiece();
        Double volume = left.get(Units.Family.VOLUME);
        Double mass = left.get(Units.Family.MASS);
        Double count = left.get(Units.Family.COUNT);
        switch (target) {
            case COUNT -> {
                if (perPiece != null && mass != null) {
                    total += mass / perPiece;
                    left.remove(Units.Family.MASS);
                }
                if (perPiece != null && perCup != null && volume != null) {
                    total += volume / Units.CUP.base * perCup / perPiece;
                    left.remove(Units.Family.VOLUME);
                }
            }
            case MASS -> {
                if (perCup != null && volume != null) {
                    total += volume / Units.CUP.base * perCup;
                    left.remove(Units.Family.VOLUME);
                }
                if (perPiece != null && count != null) {
                    total += count * perPiece;
                    left.remove(Units.Family.COUNT);
                }
            }
            case VOLUME -> {
                // only reached when nothing is weighed; pieces have no volume
            }
        }
        return total;
    }

    private static ShoppingAmount amount(Units.Family family, double base, boolean metric) {
        return switch (family) {
            case MASS -> ShoppingAmount.mass(base);
            case VOLUME -> ShoppingAmount.volume(base, metric);
            case COUNT -> ShoppingAmount.count(base);
        };
    }

    /** "5 onions", "1 garlic clove", "3 slices of bacon", "2 dragon fruits". */
    static String countNoun(IngredientFacts.Fact fact, String written, double pieces) {
        String one = fact == null ? written : fact.countable() ? fact.countAs() : fact.name();
        if (pieces == 1) {
            return one;
        }
        if (fact != null && !fact.countable() && !isCountNoun(fact)) {
            return one;
        }
        return Names.plural(one);
    }

    /** The name on a weighed or measured line: plural for things one counts ("300 g cherry tomatoes"). */
    static String listName(IngredientFacts.Fact fact, String written) {
        if (fact == null) {
            return written;
        }
        return isCountNoun(fact) ? Names.plural(fact.name()) : fact.name();
    }

    /** Whether the table spells the name in the plural too, as it does for count nouns ("onions"). */
    private static boolean isCountNoun(IngredientFacts.Fact fact) {
        return fact.aliases().contains(Names.plural(fact.name()));
    }

    static int categoryRank(String category) {
        int rank = CATEGORY_ORDER.indexOf(category);
        return rank < 0 ? CATEGORY_ORDER.size() : rank;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
