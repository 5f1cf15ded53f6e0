package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import app.mealplanner.common.menu.MealType;

/** The outline is read day by day while it streams, whatever the pieces it arrives in. */
class OutlineStreamTest {

    private static final String OUTLINE = "{\"days\":[{\"day\":1,\"meals\":[{\"type\":\"lunch\",\"name\":\"Crème brûlée "
            + "oats\",\"cuisine\":\"french\"}]},{\"day\":2,\"meals\":[{\"type\":\"lunch\",\"name\":\"Dal\",\"cuisine\":"
            + "\"indian\"}]}]}";

    @Test
    void shouldHandOnEachDayAsSoonAsItIsComplete() {
        List<MenuPrompt.OutlineDay> days = new ArrayList<>();
        OutlineStream stream = new OutlineStream(days::add, u -> {
        });
        stream.started();
        int endOfDayOne = OUTLINE.indexOf("]},") + 2;
        for (int i = 0; i < OUTLINE.length(); i += 3) {
            stream.content(OUTLINE.substring(i, Math.min(OUTLINE.length(), i + 3)));
            if (i + 3 < endOfDayOne) {
                assertThat(days).isEmpty();
            }
            if (i + 3 >= endOfDayOne && i + 3 < OUTLINE.length() - 10) {
                assertThat(days).hasSize(1);
            }
        }
        assertThat(days).extracting(MenuPrompt.OutlineDay::day).containsExactly(1, 2);
        assertThat(days.get(0).meals().get(0)).isEqualTo(new MenuPrompt.Slot(MealType.LUNCH, "Crème brûlée oats", "french"));
    }

    @Test
    void shouldSkipAFenceAndStopAtMalformedJson() {
        List<MenuPrompt.OutlineDay> days = new ArrayList<>();
        OutlineStream stream = new OutlineStream(days::add, u -> {
        });
        stream.started();
        stream.content("```json\n");
        stream.content(OUTLINE.substring(0, OUTLINE.indexOf("]},") + 2));
        stream.content("]] oops {\"day\":2}");
        assertThat(days).extracting(MenuPrompt.OutlineDay::day).containsExactly(1);
    }

    @Test
    void shouldStartOverWhenARetryStreamsAgain() {
        List<MenuPrompt.OutlineDay> days = new ArrayList<>();
        OutlineStream stream = new OutlineStream(days::add, u -> {
        });
        stream.started();
        stream.content(OUTLINE.substring(0, 40));
        stream.started();
        stream.content(OUTLINE);
        assertThat(days).extracting(MenuPrompt.OutlineDay::day).containsExactly(1, 2);
    }
}
