package app.mealplanner.worker.planner;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Normalises ingredient names so that "Tomatoes", "tomato" and " TOMATO " compare equal, and writes
 * plurals that read right on a shopping list ("5 tomatoes", "2 slices of bread").
 */
final class Names {

    private static final java.util.Map<String, String> IRREGULAR = java.util.Map.of(
            "leaves", "leaf", "loaves", "loaf", "halves", "half", "knives", "knife");
    /** Nouns whose plural is the singular on a shopping list. */
    private static final java.util.Set<String> UNCHANGED = java.util.Set.of(
            "zucchini", "naan", "anise", "fish", "tofu", "tempeh", "choy");
    /** Words ending in "o" that take "es". */
    private static final java.util.Set<String> O_ES = java.util.Set.of("tomato", "potato", "mango", "echo", "hero");

    private Names() {
    }

    /** Lowercase, accents and punctuation removed, words singular, single spaces. */
    static String normalise(String name) {
        String plain = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").trim();
        if (plain.isEmpty()) {
            return plain;
        }
        return Arrays.stream(plain.split(" ")).map(Names::singular).collect(Collectors.joining(" "));
    }

    /** English plural to singular, good enough for ingredient words. */
    static String singular(String word) {
        if (word.length() <= 3 || word.endsWith("ss") || word.endsWith("us") || word.endsWith("is")) {
            return word;
        }
        if (word.endsWith("ies")) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.endsWith("oes") || word.endsWith("ches") || word.endsWith("shes") || word.endsWith("xes")) {
            return word.substring(0, word.length() - 2);
        }
        String irregular = IRREGULAR.get(word);
        if (irregular != null) {
            return irregular;
        }
        if (word.endsWith("s")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    /**
     * The plural of a name as written ("green onion" → "green onions", "slice of bread" → "slices of
     * bread", "Dragon fruits" stays): the head noun, the word before " of " or else the last word, is made
     * singular and then plural; the rest is kept as written.
     */
    static String plural(String name) {
        String trimmed = name.trim();
        int of = trimmed.indexOf(" of ");
        String head = of > 0 ? trimmed.substring(0, of) : trimmed;
        String tail = of > 0 ? trimmed.substring(of) : "";
        int space = head.lastIndexOf(' ');
        String word = head.substring(space + 1);
        return head.substring(0, space + 1) + pluralWord(word) + tail;
    }

    private static String pluralWord(String written) {
        String lower = written.toLowerCase(Locale.ROOT);
        String single = singular(lower);
        if (!lower.equals(single) || UNCHANGED.contains(lower) || lower.isEmpty()
                || !Character.isLetter(lower.charAt(lower.length() - 1))) {
            return written;
        }
        String reverse = IRREGULAR.entrySet().stream().filter(e -> e.getValue().equals(lower))
                .map(java.util.Map.Entry::getKey).findFirst().orElse(null);
        if (reverse != null) {
            return written.substring(0, written.length() - lower.length()) + keepCase(written, reverse);
        }
        if (lower.endsWith("y") && lower.length() > 1 && "aeiou".indexOf(lower.charAt(lower.length() - 2)) < 0) {
            return written.substring(0, written.length() - 1) + keepCase(written, "ies");
        }
        if (lower.endsWith("s") || lower.endsWith("x") || lower.endsWith("z") || lower.endsWith("ch")
                || lower.endsWith("sh") || O_ES.contains(lower)) {
            return written + keepCase(written, "es");
        }
        return written + keepCase(written, "s");
    }

    private static String keepCase(String written, String suffix) {
        return written.equals(written.toUpperCase(Locale.ROOT)) ? suffix.toUpperCase(Locale.ROOT) : suffix;
    }

    /** Whether the normalised {@code text} contains the normalised {@code words} as whole words. */
    static boolean containsWords(String text, String words) {
        if (words.isEmpty()) {
            return false;
        }
        return (" " + text + " ").contains(" " + words + " ");
    }
}
