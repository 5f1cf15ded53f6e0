package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;

/**
 * The structured-output schemas sent to the model must stay in step with the records the answers are read
 * into: a field added to, renamed in or removed from a record without the schema (or the reverse) fails here.
 */
class MenuSchemaTest {

    /** Computed or recorded by us, never asked from the model (an ingredient's text: IngredientText). */
    private static final Set<String> OURS = Set.of("totals", "source", "model", "text");

    @Test
    @SuppressWarnings("unchecked")
    void shouldDescribeExactlyTheFieldsOfADay() {
        Map<String, Object> day = MenuPrompt.daySchema();
        assertMatches(day, Menu.Day.class);
        Map<String, Object> meal = items(property(day, "meals"));
        assertMatches(meal, Menu.Meal.class);
        assertThat((List<String>) property(meal, "type").get("enum"))
                .containsExactlyElementsOf(Arrays.stream(MealType.values()).map(MealType::value).toList());
        Map<String, Object> recipe = property(meal, "recipe");
        assertMatches(recipe, Menu.Recipe.class);
        assertMatches(items(property(recipe, "ingredients")), Menu.Ingredient.class);
        assertMatches(property(recipe, "nutrition"), app.mealplanner.common.menu.Nutrition.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldDescribeExactlyTheFieldsOfAnOutline() {
        Map<String, Object> day = items(property(MenuPrompt.outlineSchema(), "days"));
        assertMatches(day, MenuPrompt.OutlineDay.class);
        Map<String, Object> slot = items(property(day, "meals"));
        assertMatches(slot, MenuPrompt.Slot.class);
        assertThat((List<String>) property(slot, "type").get("enum"))
                .containsExactlyElementsOf(Arrays.stream(MealType.values()).map(MealType::value).toList());
    }

    @SuppressWarnings("unchecked")
    private static void assertMatches(Map<String, Object> schema, Class<? extends Record> type) {
        Set<String> fields = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
                .filter(n -> !OURS.contains(n)).collect(Collectors.toSet());
        Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
        assertThat(properties.keySet()).as(type.getSimpleName()).containsExactlyInAnyOrderElementsOf(fields);
        // strict mode: every property required, nothing else allowed
        assertThat((List<String>) schema.get("required")).as(type.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(fields);
        assertThat(schema.get("additionalProperties")).isEqualTo(false);
        for (RecordComponent c : type.getRecordComponents()) {
            if (OURS.contains(c.getName())) {
                continue;
            }
            String jsonType = (String) ((Map<String, Object>) properties.get(c.getName())).get("type");
            assertThat(jsonType).as(type.getSimpleName() + "." + c.getName()).isEqualTo(jsonType(c.getGenericType()));
        }
    }

    private static String jsonType(Type type) {
        if (type == int.class || type == Integer.class || type == long.class) {
            return "integer";
        }
        if (type == double.class || type == Double.class) {
            return "number";
        }
        if (type == String.class || type == MealType.class) {
            return "string";
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            return "array";
        }
        return "object";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> property(Map<String, Object> schema, String name) {
        return (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> items(Map<String, Object> array) {
        return (Map<String, Object>) array.get("items");
    }
}
