package app.mealplanner.common.jobrunr;

import java.util.ArrayList;
import java.util.List;

import app.mealplanner.common.menu.MenuRequest;

/**
 * How a menu job reads in the JobRunr dashboard: a name such as {@code Menu 7d × 3 · vegan · model} and
 * labels {@code source:model}, {@code diet:vegan}, {@code size:medium} (JobRunr allows three, each at most
 * 45 characters). The api names what it knows when it enqueues (days, meals a day, diet, size); the
 * worker adds the source, because only it knows whether it has a model and where the menu finally came
 * from.
 */
public final class MenuJobLabels {

    /** Where a job's menu comes from, as the worker running it knows it. */
    public enum Source {
        /** planned by the language model (while running: the worker is asking its model) */
        MODEL("model", "model"),
        /** planned by the catalog planner: this worker has no model */
        CATALOG("catalog", "catalog"),
        /** the model failed (errors, open breaker, invalid answers) and the catalog planner stepped in */
        MODEL_FALLBACK("catalog", "catalog (model fallback)");

        final String label;
        final String title;

        Source(String label, String title) {
            this.label = label;
            this.title = title;
        }
    }

    static final String SEPARATOR = " · ";
    static final String SOURCE = "source:";
    /** Meals in a menu (days × meals a day) up to which it counts as small, then as medium. */
    static final int SMALL_MEALS = 7;
    static final int MEDIUM_MEALS = 21;

    private MenuJobLabels() {
    }

    /**
     * The name given at enqueue time: {@code Menu 7d × 3 · vegan}. A stored request the api would not have
     * accepted (a field missing) shows {@code ?} there: naming never stops a job from being enqueued.
     */
    public static String name(MenuRequest request) {
        return "Menu " + orUnknown(request.days()) + "d × " + (request.meals() == null ? "?" : request.meals().size())
                + SEPARATOR + diet(request);
    }

    /** The labels given at enqueue time: diet and size. */
    public static List<String> labels(MenuRequest request) {
        return List.of("diet:" + diet(request), "size:" + size(request));
    }

    /** {@code small} up to 7 meals, {@code medium} up to 21 (a week of three meals), {@code large} beyond. */
    static String size(MenuRequest request) {
        if (request.days() == null || request.meals() == null) {
            return "?";
        }
        int meals = request.days() * request.meals().size();
        return meals <= SMALL_MEALS ? "small" : meals <= MEDIUM_MEALS ? "medium" : "large";
    }

    private static String diet(MenuRequest request) {
        return request.diet() == null ? "?" : request.diet().value();
    }

    private static Object orUnknown(Integer value) {
        return value == null ? "?" : value;
    }

    /**
     * The name with {@code source} in place of any source it had (a retried job is named again), or
     * unchanged when it is not a menu job name of ours (enqueued by an older version).
     */
    public static String nameWithSource(String name, Source source) {
        if (name == null || !name.startsWith("Menu ")) {
            return name;
        }
        String base = name;
        for (Source s : Source.values()) {
            if (base.endsWith(SEPARATOR + s.title)) {
                base = base.substring(0, base.length() - (SEPARATOR + s.title).length());
                break;
            }
        }
        return base + SEPARATOR + source.title;
    }

    /** The labels with {@code source:…} first in place of any source label they had. */
    public static List<String> labelsWithSource(List<String> labels, Source source) {
        List<String> out = new ArrayList<>();
        out.add(SOURCE + source.label);
        labels.stream().filter(l -> !l.startsWith(SOURCE)).limit(2).forEach(out::add);
        return out;
    }
}
