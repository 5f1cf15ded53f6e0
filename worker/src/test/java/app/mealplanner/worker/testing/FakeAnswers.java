package app.mealplanner.worker.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.worker.planner.Catalog;
import app.mealplanner.worker.planner.CatalogPlanner;

/**
 * What the fake model writes: valid answers for the menu request it finds in the data message, planned
 * from the catalog, with recipes of the size real models write (8 ingredients, 6 steps: about 800
 * characters, 200 tokens). The outline and the days of one request come from the same plan, so a day
 * writes the recipes its outline named; a slot the worker flagged as a problem gets another recipe.
 */
final class FakeAnswers {

    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final int INGREDIENTS = 8;
    private static final int STEPS = 6;
    private static final List<Menu.Ingredient> SEASONING = List.of(new Menu.Ingredient("salt", 1, "tsp"),
            new Menu.Ingredient("black pepper", 0.5, "tsp"));

    /** The task the worker asked for, read from its data message. */
    record Task(String kind, MenuRequest request, JsonNode data, boolean repair) {
        int day() {
            return data.path("day").asInt(0);
        }
    }

    private final CatalogPlanner planner = new CatalogPlanner(Catalog.load());

    static Task task(JsonNode body) {
        JsonNode data = null;
        boolean assistant = false;
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").asText();
            assistant |= role.equals("assistant");
            if (data == null && role.equals("user")) {
                try {
                    JsonNode content = JSON.readTree(message.path("content").asText("{}"));
                    if (content.has("request")) {
                        data = content;
                    }
                } catch (JsonProcessingException notData) {
                    // a repair message is plain text
                }
            }
        }
        if (data == null) {
            return new Task("unknown", null, null, assistant);
        }
        boolean repair = assistant || body.path("messages").size() > 2;
        try {
            return new Task(data.path("task").asText("menu"), JSON.treeToValue(data.get("request"), MenuRequest.class),
                    data, repair);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Task("unknown", null, data, repair);
        }
    }

    /** The answer text for a task, or null when the request cannot be planned (the fake then refuses). */
    String answer(Task task) {
        if (task.request() == null) {
            return null;
        }
        Menu.Plan plan;
        try {
            plan = planner.plan(task.request(), seed(task.request()));
        } catch (RuntimeException unsatisfiable) {
            return null;
        }
        return switch (task.kind()) {
            case "outline" -> outline(task, plan);
            case "day" -> day(task, plan);
            default -> menu(plan);
        };
    }

    private String outline(Task task, Menu.Plan plan) {
        List<Integer> days = new ArrayList<>();
        task.data().path("days").forEach(d -> days.add(d.asInt()));
        if (days.isEmpty()) {
            plan.days().forEach(d -> days.add(d.day()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int day : days) {
            Menu.Day d = plan.days().get(day - 1);
            out.add(Map.of("day", day, "meals", d.meals().stream().map(m -> Map.of("type", m.type().value(),
                    "name", m.recipe().name(), "cuisine", m.recipe().cuisine())).toList()));
        }
        return write(Map.of("days", out));
    }

    private String day(Task task, Menu.Plan plan) {
        int day = task.day();
        Menu.Day planned = plan.days().get(Math.min(day, plan.days().size()) - 1);
        List<Map<String, Object>> meals = new ArrayList<>();
        for (JsonNode slot : task.data().path("meals")) {
            MealType type = MealType.of(slot.path("type").asText());
            boolean replace = slot.has("problems") && !slot.get("problems").isEmpty();
            Menu.Recipe recipe = replace ? other(task.request(), day, type, slot.path("name").asText())
                    : planned.meals().stream().filter(m -> m.type() == type).findFirst().orElseThrow().recipe();
            meals.add(meal(type, recipe));
        }
        return write(Map.of("day", day, "meals", meals));
    }

    /** The whole menu in one answer, as the single-call design asked for it. */
    private String menu(Menu.Plan plan) {
        return write(Map.of("days", plan.days().stream().map(d -> Map.of("day", d.day(), "meals",
                d.meals().stream().map(m -> meal(m.type(), m.recipe())).toList())).toList(), "warnings", List.of()));
    }

    /** Another recipe of the same meal type than {@code name}, from another plan of the same request. */
    private Menu.Recipe other(MenuRequest request, int day, MealType type, String name) {
        for (long s = 1; s < 20; s++) {
            Menu.Day d = planner.plan(request, seed(request) + s).days().get(day - 1);
            for (Menu.Meal m : d.meals()) {
                if (m.type() == type && !m.recipe().name().equalsIgnoreCase(name)) {
                    return m.recipe();
                }
            }
        }
        throw new IllegalStateException("no other " + type + " than " + name);
    }

    /** A meal with a recipe of realistic size: 8 ingredients and 6 short steps. */
    static Map<String, Object> meal(MealType type, Menu.Recipe r) {
        List<Menu.Ingredient> ingredients = new ArrayList<>(r.ingredients().subList(0, Math.min(INGREDIENTS,
                r.ingredients().size())));
        for (Menu.Ingredient seasoning : SEASONING) {
            if (ingredients.size() < INGREDIENTS && ingredients.stream().noneMatch(i -> i.name().equals(seasoning.name()))) {
                ingredients.add(seasoning);
            }
        }
        Map<String, Object> recipe = new LinkedHashMap<>();
        recipe.put("name", r.name());
        recipe.put("cuisine", r.cuisine());
        recipe.put("prepMinutes", r.prepMinutes());
        recipe.put("servings", r.servings());
        // what the schema asks for, not the catalog's own ingredient text: a model writes only the schema's fields
        recipe.put("ingredients", ingredients.stream().map(i -> Map.of("name", i.name(), "quantity", i.quantity(),
                "unit", i.unit())).toList());
        recipe.put("steps", steps(r.steps()));
        recipe.put("nutrition", r.nutrition());
        recipe.put("tags", r.tags());
        Map<String, Object> meal = new LinkedHashMap<>();
        meal.put("type", type.value());
        meal.put("recipe", recipe);
        return meal;
    }

    /** The catalog's steps as six short sentences, as models write them. */
    static List<String> steps(List<String> original) {
        List<String> sentences = new ArrayList<>();
        for (String step : original) {
            for (String sentence : step.split("(?<=[.!])\\s+")) {
                String t = sentence.strip();
                if (!t.isEmpty()) {
                    sentences.add(t.endsWith(".") || t.endsWith("!") ? t : t + ".");
                }
            }
        }
        // too few: split the longest sentence at a comma, the way a model writes shorter steps
        while (sentences.size() < STEPS) {
            int longest = 0;
            for (int i = 1; i < sentences.size(); i++) {
                longest = sentences.get(i).length() > sentences.get(longest).length() ? i : longest;
            }
            String s = sentences.get(longest);
            int comma = s.indexOf(", ", s.length() / 3);
            if (comma < 0) {
                break;
            }
            String rest = s.substring(comma + 2).replaceFirst("^(then|and) ", "");
            sentences.set(longest, s.substring(0, comma) + ".");
            sentences.add(longest + 1, Character.toUpperCase(rest.charAt(0)) + rest.substring(1));
        }
        // models keep steps short: a long sentence keeps its first clause
        sentences.replaceAll(s -> s.length() > 45 && s.indexOf(", ") > 10 ? s.substring(0, s.indexOf(", ")) + "." : s);
        List<String> closing = List.of("Taste and adjust the seasoning.", "Serve at once.");
        for (int i = 0; sentences.size() < STEPS; i++) {
            sentences.add(closing.get(i % closing.size()));
        }
        return List.copyOf(sentences.subList(0, STEPS));
    }

    static long seed(MenuRequest request) {
        return write(request).hashCode();
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
