package app.mealplanner.common.jobrunr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.jobrunr.MenuJobLabels.Source;
import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.MenuRequest;

class MenuJobLabelsTest {

    @Test
    void shouldNameAJobAfterItsDaysMealsAndDiet() {
        MenuRequest week = request(7, Diet.VEGAN, MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER);
        assertThat(MenuJobLabels.name(week)).isEqualTo("Menu 7d × 3 · vegan");
        assertThat(MenuJobLabels.labels(week)).containsExactly("diet:vegan", "size:medium");
    }

    @Test
    void shouldBucketTheSizeByTheNumberOfMeals() {
        assertThat(MenuJobLabels.size(request(7, Diet.KETO, MealType.DINNER))).isEqualTo("small");
        assertThat(MenuJobLabels.size(request(2, Diet.KETO, MealType.values()))).isEqualTo("medium");
        assertThat(MenuJobLabels.size(request(7, Diet.KETO, MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER)))
                .isEqualTo("medium");
        assertThat(MenuJobLabels.size(request(8, Diet.KETO, MealType.BREAKFAST, MealType.LUNCH, MealType.DINNER)))
                .isEqualTo("large");
    }

    @Test
    void shouldReplaceTheSourceOfAJobNamedBeforeByAnEarlierAttempt() {
        String queued = "Menu 7d × 3 · vegan";
        String tried = MenuJobLabels.nameWithSource(queued, Source.MODEL);
        assertThat(tried).isEqualTo("Menu 7d × 3 · vegan · model");
        assertThat(MenuJobLabels.nameWithSource(tried, Source.MODEL_FALLBACK))
                .isEqualTo("Menu 7d × 3 · vegan · catalog (model fallback)");
        assertThat(MenuJobLabels.nameWithSource(MenuJobLabels.nameWithSource(tried, Source.MODEL_FALLBACK), Source.MODEL))
                .isEqualTo(tried);

        List<String> labels = MenuJobLabels.labelsWithSource(List.of("diet:vegan", "size:medium"), Source.MODEL);
        assertThat(labels).containsExactly("source:model", "diet:vegan", "size:medium");
        assertThat(MenuJobLabels.labelsWithSource(labels, Source.MODEL_FALLBACK))
                .containsExactly("source:catalog", "diet:vegan", "size:medium");
    }

    @Test
    void shouldNameARequestWithMissingFieldsRatherThanFail() {
        MenuRequest broken = new MenuRequest(null, List.of(MealType.DINNER), Diet.VEGAN, null, null, null, null, null,
                null, null);
        assertThat(MenuJobLabels.name(broken)).isEqualTo("Menu ?d × 1 · vegan");
        assertThat(MenuJobLabels.labels(broken)).containsExactly("diet:vegan", "size:?");
    }

    @Test
    void shouldLeaveANameThatIsNotAMenuJobNameAlone() {
        String legacy = "app.mealplanner.common.job.MenuJobHandler.run(MenuJobRequest[menuJobId=1])";
        assertThat(MenuJobLabels.nameWithSource(legacy, Source.MODEL)).isEqualTo(legacy);
        assertThat(MenuJobLabels.labelsWithSource(List.of(), Source.CATALOG)).containsExactly("source:catalog");
    }

    @Test
    void shouldStayWithinJobRunrsLimitsOfThreeLabelsOf45Characters() {
        for (Diet diet : Diet.values()) {
            List<String> labels = MenuJobLabels.labelsWithSource(
                    MenuJobLabels.labels(request(14, diet, MealType.values())), Source.MODEL_FALLBACK);
            assertThat(labels).hasSizeLessThanOrEqualTo(3).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(45));
        }
    }

    private static MenuRequest request(int days, Diet diet, MealType... meals) {
        return new MenuRequest(days, List.of(meals), diet, null, null, null, null, null, null, null);
    }
}
