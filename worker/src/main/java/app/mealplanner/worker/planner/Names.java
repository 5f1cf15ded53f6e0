package app.mealplanner.worker.planner;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Normalises ingredient names so that "Tomatoes", "tomato" and " TOMATO " compare equal. */
final class Names {

    private static final java.util.Map<String, String> IRREGULAR = java.util.Map.of(
            "leaves", "leaf", "loaves", "loaf", "halves", "half", "knives", "knife");

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

    /** Whether the normalised {@code text} contains the normalised {@code words} as whole words. */
    static boolean containsWords(String text, String words) {
        if (words.isEmpty()) {
            return false;
        }
        return (" " + text + " ").contains(" " + words + " ");
    }
}
