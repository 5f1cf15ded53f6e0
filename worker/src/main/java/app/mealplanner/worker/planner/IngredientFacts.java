package app.mealplanner.worker.planner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.Nutrition;

/**
 * The one ingredient table: shopping category, allergens, diet-relevant contents and weights of every
 * ingredient we know, looked up by name, alias or singular/plural form. Allergens and diets of recipes are
 * derived from it, never typed per recipe, so catalog menus and model menus are judged by the same facts.
 */
public final class IngredientFacts {

    /** What an ingredient is made of, as far as diets care. */
    public enum Content {
        MEAT, POULTRY, FISH, SHELLFISH, DAIRY, EGG, HONEY, GLUTEN, GRAIN, LEGUME, ADDED_SUGAR, STARCHY;

        static Content of(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** Keto recipes stay under this many grams of carbohydrate per serving. */
    public static final double KETO_MAX_CARBS_G = 15;

    /**
     * One ingredient. {@code countAs} is set when it is bought by the piece (and names one piece);
     * {@code gramsPerPiece} and {@code gramsPerCup} are USDA portion weights, null where none is known.
     */
    public record Fact(String name, List<String> aliases, String category, Set<Allergen> allergens,
            Set<Content> contains, String countAs, Double gramsPerPiece, Double gramsPerCup, boolean pantry) {

        public boolean countable() {
            return countAs != null;
        }
    }

    record Entry(String name, List<String> aliases, String category, List<String> allergens, List<String> contains,
            String countAs, Double gramsPerPiece, Double gramsPerCup, Integer fdcId, Boolean pantry) {
    }

    record Table(String source, List<Entry> ingredients) {
    }

    private final Map<String, Fact> byName = new HashMap<>();
    private final List<Fact> facts;

    IngredientFacts(List<Fact> facts) {
        this.facts = List.copyOf(facts);
        for (Fact fact : facts) {
            register(fact.name(), fact);
            fact.aliases().forEach(alias -> register(alias, fact));
        }
    }

    private void register(String name, Fact fact) {
        Fact previous = byName.put(Names.normalise(name), fact);
        if (previous != null && previous != fact) {
            throw new IllegalStateException("ingredient name '" + name + "' is used by " + previous.name()
                    + " and " + fact.name());
        }
    }

    public static IngredientFacts load(String resource) {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = IngredientFacts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Table table = json.readValue(in, Table.class);
            return new IngredientFacts(table.ingredients().stream().map(IngredientFacts::toFact).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Fact toFact(Entry e) {
        Set<Allergen> allergens = EnumSet.noneOf(Allergen.class);
        e.allergens().forEach(a -> allergens.add(Allergen.of(a)));
        Set<Content> contains = EnumSet.noneOf(Content.class);
        e.contains().forEach(c -> contains.add(Content.of(c)));
        return new Fact(e.name(), e.aliases() == null ? List.of() : e.aliases(), e.category(), allergens, contains,
                e.countAs(), e.gramsPerPiece(), e.gramsPerCup(), Boolean.TRUE.equals(e.pantry()));
    }

    public List<Fact> all() {
        return facts;
    }

    /**
     * The fact for an ingredient as a person or a model might write it: exact name or alias, singular or
     * plural, or else the longest known name contained in it word by word ("fresh chicken breast").
     */
    public Optional<Fact> find(String ingredient) {
        String normal = Names.normalise(ingredient);
        Fact exact = byName.get(normal);
        if (exact != null) {
            return Optional.of(exact);
        }
        Fact best = null;
        int bestLength = 0;
        for (Map.Entry<String, Fact> known : byName.entrySet()) {
            String name = known.getKey();
            if (name.length() > bestLength && Names.containsWords(normal, name)) {
                best = known.getValue();
                bestLength = name.length();
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether food with these contents (and, for keto, these carbs per serving) fits the diet. */
    public static boolean allows(Diet diet, Set<Content> contains, Nutrition perServing) {
        return switch (diet) {
            case OMNIVORE -> true;
            case VEGETARIAN -> none(contains, Content.MEAT, Content.POULTRY, Content.FISH, Content.SHELLFISH);
            case VEGAN -> none(contains, Content.MEAT, Content.POULTRY, Content.FISH, Content.SHELLFISH,
                    Content.DAIRY, Content.EGG, Content.HONEY);
            case PESCATARIAN -> none(contains, Content.MEAT, Content.POULTRY);
            case GLUTEN_FREE -> none(contains, Content.GLUTEN);
            case KETO -> none(contains, Content.GRAIN, Content.GLUTEN, Content.LEGUME, Content.ADDED_SUGAR,
                    Content.STARCHY) && (perServing == null || perServing.carbsG() <= KETO_MAX_CARBS_G);
            case PALEO -> none(contains, Content.GRAIN, Content.GLUTEN, Content.LEGUME, Content.DAIRY,
                    Content.ADDED_SUGAR);
        };
    }

    /** The contents that break the diet, for messages. */
    public static Set<Content> forbidden(Diet diet, Set<Content> contains) {
        Set<Content> bad = EnumSet.noneOf(Content.class);
        for (Content c : contains) {
            if (!allows(diet, EnumSet.of(c), null)) {
                bad.add(c);
            }
        }
        return bad;
    }

    private static boolean none(Set<Content> contains, Content... forbidden) {
        for (Content c : forbidden) {
            if (contains.contains(c)) {
                return false;
            }
        }
        return true;
    }
}
