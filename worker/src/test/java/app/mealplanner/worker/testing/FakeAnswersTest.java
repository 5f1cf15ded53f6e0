package app.mealplanner.worker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.worker.llm.MenuPrompt;
import app.mealplanner.worker.planner.Catalog;
import app.mealplanner.worker.planner.CatalogPlanner;

/** The fake model writes recipes of the size real models write: 8 ingredients, 6 steps, about 200 tokens. */
class FakeAnswersTest {

    @Test
    void shouldWriteRecipesOfRealisticSize() {
        CatalogPlanner planner = new CatalogPlanner(Catalog.load());
        Catalog catalog = Catalog.load();
        long chars = 0;
        int recipes = 0;
        int ingredients = 0;
        for (Catalog.Recipe r : catalog.recipes()) {
            Menu.Recipe recipe = new Menu.Recipe(r.name(), r.cuisine(), r.prepMinutes(), r.servings(),
                    r.ingredients().stream().map(i -> new Menu.Ingredient(i.name(), i.quantity(), i.unit())).toList(),
                    r.steps(), r.nutrition(), r.tags());
            Map<String, Object> meal = FakeAnswers.meal(r.mealTypes().iterator().next(), recipe);
            @SuppressWarnings("unchecked")
            Map<String, Object> written = (Map<String, Object>) meal.get("recipe");
            assertThat((List<?>) written.get("steps")).hasSize(6);
            assertThat(((List<?>) written.get("ingredients")).size()).isLessThanOrEqualTo(8);
            ingredients += ((List<?>) written.get("ingredients")).size();
            chars += FakeAnswers.write(meal).length();
            recipes++;
        }
        double tokens = chars / 4.0 / recipes;
        System.out.printf("the fake writes %.0f tokens per recipe on average (%d recipes)%n", tokens, recipes);
        assertThat(tokens).isBetween(170.0, 260.0);
        assertThat((double) ingredients / recipes).isGreaterThan(7.5);
        assertThat(planner).isNotNull();
    }

    /**
     * A provider that enforces the structured-output schema (OpenAI's strict mode) writes nothing the schema
     * does not allow, so neither may the fake: an extra field (say a catalog recipe's own ingredient text)
     * would be tokens the real model never writes, and make every model call of a test or bench longer.
     */
    @Test
    void shouldAnswerOnlyWhatTheSchemaSentAllows() throws Exception {
        FakeAnswers answers = new FakeAnswers();
        MenuRequest request = FakeAnswers.JSON.readValue("""
                {"days":3,"meals":["breakfast","lunch","dinner"],"diet":"vegetarian","servings":2}""", MenuRequest.class);
        JsonNode outline = FakeAnswers.JSON.readTree(answers.answer(task("outline", request, """
                {"task":"outline","days":[1,2,3]}""")));
        assertThat(violations(outline, MenuPrompt.outlineSchema(), "outline")).isEmpty();
        for (JsonNode day : outline.path("days")) {
            String data = "{\"task\":\"day\",\"day\":" + day.path("day").asInt() + ",\"meals\":" + day.path("meals") + "}";
            JsonNode answer = FakeAnswers.JSON.readTree(answers.answer(task("day", request, data)));
            assertThat(violations(answer, MenuPrompt.daySchema(), "day " + day.path("day").asInt())).isEmpty();
            assertThat(answer.path("meals")).hasSize(3);
        }
    }

    private static FakeAnswers.Task task(String kind, MenuRequest request, String data) throws Exception {
        return new FakeAnswers.Task(kind, request, FakeAnswers.JSON.readTree(data), false);
    }

    /** Where {@code value} breaks {@code schema} (type, required, additionalProperties, enum), by path. */
    @SuppressWarnings("unchecked")
    private static List<String> violations(JsonNode value, Map<String, Object> schema, String path) {
        List<String> out = new ArrayList<>();
        Object type = schema.get("type");
        List<String> types = type instanceof List<?> l ? (List<String>) l : List.of(String.valueOf(type));
        boolean typeOk = types.stream().anyMatch(t -> switch (t) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        });
        if (!typeOk) {
            out.add(path + ": " + value.getNodeType() + " where the schema says " + types);
            return out;
        }
        if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(value.asText())) {
            out.add(path + ": " + value + " is not one of " + allowed);
        }
        if (value.isObject()) {
            Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
            for (Object required : (List<Object>) schema.getOrDefault("required", List.of())) {
                if (!value.has((String) required)) {
                    out.add(path + ": missing " + required);
                }
            }
            value.fieldNames().forEachRemaining(name -> {
                if (properties.containsKey(name)) {
                    out.addAll(violations(value.get(name), (Map<String, Object>) properties.get(name), path + "." + name));
                } else if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
                    out.add(path + ": " + name + " is not in the schema");
                }
            });
        }
        if (value.isArray() && schema.get("items") instanceof Map<?, ?> items) {
            for (int i = 0; i < value.size(); i++) {
                out.addAll(violations(value.get(i), (Map<String, Object>) items, path + "[" + i + "]"));
            }
        }
        return out;
    }
}
