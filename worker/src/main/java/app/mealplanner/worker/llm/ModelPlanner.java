package app.mealplanner.worker.llm;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Fallback;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.common.menu.Nutrition;
import app.mealplanner.worker.job.MenuPlanning;
import app.mealplanner.worker.job.PlannedMenu;
import app.mealplanner.worker.planner.Catalog;
import app.mealplanner.worker.planner.MenuValidator;
import app.mealplanner.worker.planner.ShoppingList;

/**
 * Asks the model for a menu and accepts it only when it passes the same validator as catalog menus:
 * one repair round sends the violations back, a second failure fails the attempt. Day totals and the
 * shopping list are computed here, never taken from the model. When the model cannot deliver (down,
 * breaker open, bad answers) the catalog planner steps in, unless {@code menu.model.fallback=none}.
 */
@ApplicationScoped
public class ModelPlanner {

    private static final Logger LOG = Logger.getLogger(ModelPlanner.class);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(List<AnswerDay> days, List<String> warnings) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AnswerDay(int day, List<Menu.Meal> meals) {
    }

    private final ModelClient client;
    private final MenuValidator validator;
    private final Catalog catalog;
    private final ObjectMapper json;
    private final ObjectMapper answers = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public ModelPlanner(ModelClient client, MenuValidator validator, Catalog catalog, ObjectMapper json) {
        this.client = client;
        this.validator = validator;
        this.catalog = catalog;
        this.json = json;
    }

    @Fallback(value = CatalogFallback.class,
            skipOn = { ModelException.Rejected.class, ModelException.Interrupted.class, InterruptedException.class })
    public PlannedMenu plan(MenuRequest request, long seed, MenuPlanning.Progress progress) {
        List<ChatRequest.Message> conversation = MenuPrompt.first(request, json);
        int promptTokens = 0;
        int completionTokens = 0;
        List<String> problems = List.of();
        for (int round = 0; round < 2; round++) {
            progress.report(Stage.CALLING_MODEL, round == 0 ? 30 : 70);
            ChatCompletion completion = client.complete(conversation, MenuPrompt.schema());
            if (completion.usage() != null) {
                promptTokens += orZero(completion.usage().promptTokens());
                completionTokens += orZero(completion.usage().completionTokens());
            }
            progress.report(Stage.VALIDATING, round == 0 ? 60 : 85);
            String content = contentOf(completion);
            List<Menu.Day> days = null;
            List<String> warnings = List.of();
            try {
                Answer answer = answers.readValue(content, Answer.class);
                days = toDays(answer);
                warnings = answer.warnings() == null ? List.of() : answer.warnings();
                problems = validator.violations(request, days);
            } catch (Exception unreadable) {
                problems = List.of("the answer is not JSON in the required shape ("
                        + unreadable.getClass().getSimpleName() + ")");
            }
            if (problems.isEmpty()) {
                String model = completion.model() != null ? completion.model() : null;
                Menu.Plan plan = new Menu.Plan(Menu.SOURCE_LLM, model, days, ShoppingList.of(days, catalog.facts()),
                        List.copyOf(warnings));
                return new PlannedMenu(plan, new Menus.Usage(promptTokens, completionTokens));
            }
            LOG.infof("model menu rejected in round %d: %d violation(s)", round + 1, problems.size());
            conversation = MenuPrompt.repair(conversation, content, problems);
        }
        throw new ModelException.BadAnswer("MODEL_INVALID_MENU", "the model's menu broke the request twice: "
                + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
    }

    /** The answer text; refusals and truncated answers are bad answers, not menus. */
    private static String contentOf(ChatCompletion completion) {
        if (completion.choices() == null || completion.choices().isEmpty()
                || completion.choices().get(0).message() == null) {
            throw new ModelException.BadAnswer("MODEL_EMPTY", "the model returned no message");
        }
        ChatCompletion.Choice choice = completion.choices().get(0);
        if (choice.message().refusal() != null && !choice.message().refusal().isBlank()) {
            throw new ModelException.BadAnswer("MODEL_REFUSED", "the model refused to answer");
        }
        if ("length".equals(choice.finishReason())) {
            throw new ModelException.BadAnswer("MODEL_TRUNCATED", "the model's answer was cut off (max_tokens)");
        }
        String content = choice.message().content();
        return content == null ? "" : content;
    }

    /** The model's days with totals computed by us from the recipes' per-serving nutrition. */
    private static List<Menu.Day> toDays(Answer answer) {
        List<Menu.Day> days = new ArrayList<>();
        for (AnswerDay d : answer.days()) {
            Nutrition totals = Nutrition.ZERO;
            for (Menu.Meal meal : d.meals()) {
                totals = totals.plus(meal.recipe().nutrition());
            }
            days.add(new Menu.Day(d.day(), List.copyOf(d.meals()), totals));
        }
        return List.copyOf(days);
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }
}
