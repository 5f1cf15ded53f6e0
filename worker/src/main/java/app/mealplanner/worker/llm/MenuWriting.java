package app.mealplanner.worker.llm;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.common.menu.Nutrition;
import app.mealplanner.worker.job.MenuPlanning;
import app.mealplanner.worker.job.PlannedMenu;
import app.mealplanner.worker.planner.IngredientText;
import app.mealplanner.worker.planner.ShoppingList;
import io.opentelemetry.context.Context;

/**
 * Writes one job's menu with the model, in parts every provider writes quickly: first the outline (a
 * name, cuisine and meal type per slot), read as it streams; each day of it is checked (its meals, names
 * that give away an allergen, an excluded ingredient or a forbidden meat, repeats within three days) and
 * then written at once, up to {@code menu.model.days-in-parallel} calls at a time, while the outline goes
 * on; the first day one meal per call, so that the user sees it in the time of one recipe.
 * Each written day is validated alone and, when it breaks a rule, repaired once with only its own answer;
 * a day that still fails, or that the model cannot write at all, is filled from the catalog and named in
 * the warnings. Each finished day is stored as soon as it is ready.
 *
 * <p>One object per job, driven from the job's thread: answers arrive as events on a queue, so all the
 * state here is touched by that one thread. When that thread is interrupted (the job was cancelled, the
 * worker stops) every connection of the job is closed at once and nothing more is stored.
 */
final class MenuWriting {

    private static final Logger LOG = Logger.getLogger(MenuWriting.class);
    /** A safety net only: every call has its own time limits, so an answer (or its failure) always arrives. */
    private static final Duration NO_EVENT_FOR = Duration.ofMinutes(15);
    private static final int REPEAT_GAP_DAYS = 3;
    /**
     * Shared by every job: a mapper builds its deserializers by reflection once and caches them (a mapper per
     * job built them again for every job: 12 % of the worker's CPU in the model-bound benchmark).
     */
    private static final ObjectMapper ANSWERS = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AnswerDay(Integer day, List<Menu.Meal> meals) {
    }

    private sealed interface Event permits Outlined, OutlineEnded, PartEnded {
    }

    private record Outlined(MenuPrompt.OutlineDay day) implements Event {
    }

    private record OutlineEnded(Throwable failure) implements Event {
    }

    private record PartEnded(Part part, Completion completion, Throwable failure) implements Event {
    }

    /** Some meals of one day to write, in a given round (0 first, 1 repair), with the conversation to send. */
    private record Part(int day, List<MenuPrompt.Assignment> meals, int round, List<ChatRequest.Message> messages) {
        List<MealType> types() {
            return meals.stream().map(a -> a.slot().type()).toList();
        }
    }

    /** A day being written: its meals as they come back from its parts. */
    private static final class DayState {
        final int day;
        final List<MenuPrompt.Assignment> assignments;
        final Map<MealType, Menu.Meal> written = new EnumMap<>(MealType.class);
        final Map<Part, String> answers = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        String model;
        int round;
        int partsOpen;

        DayState(int day, List<MenuPrompt.Assignment> assignments) {
            this.day = day;
            this.assignments = assignments;
        }
    }

    private final MenuJob job;
    private final MenuRequest request;
    private final long seed;
    private final MenuPlanning.Progress progress;
    private final ModelPlanner.Tools tools;
    private final CallScope scope = new CallScope();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Context trace = Context.current();

    private final Map<Integer, MenuPrompt.OutlineDay> outlined = new TreeMap<>();
    private final Map<Integer, DayState> writing = new HashMap<>();
    private final Map<Integer, Menu.Day> finished = new TreeMap<>();
    private final Deque<Part> pending = new ArrayDeque<>();
    private final List<String> warnings = new ArrayList<>();
    private int inFlight;
    private int outlinedBefore;
    private int outlineFailures;
    private int outlineChunk;
    private Throwable lastOutlineFailure;
    private MenuJobDays.Tokens unstored = MenuJobDays.Tokens.NONE;
    private MenuJobDays.Tokens total = MenuJobDays.Tokens.NONE;
    private Menu.Plan catalogPlan;

    MenuWriting(MenuJob job, long seed, MenuPlanning.Progress progress, ModelPlanner.Tools tools) {
        this.job = job;
        this.request = job.request();
        this.seed = seed;
        this.progress = progress;
        this.tools = tools;
        this.outlineChunk = request.days();
    }

    PlannedMenu write() {
        try {
            // the outline is asked for first: the stage's write, and any wait for a pooled connection, then
            // overlaps the model's first token instead of coming before it
            outline(missingDays());
            progress.report(Stage.CALLING_MODEL, 20);
            while (finished.size() < request.days()) {
                Event event = events.poll(NO_EVENT_FOR.toMillis(), TimeUnit.MILLISECONDS);
                if (event == null) {
                    throw new IllegalStateException("no model answer for " + NO_EVENT_FOR.toMinutes() + " minutes");
                }
                switch (event) {
                    case Outlined o -> onOutlined(o.day());
                    case OutlineEnded e -> onOutlineEnded(e.failure());
                    case PartEnded p -> onPartEnded(p.part(), p.completion(), p.failure());
                }
                startParts();
            }
        } catch (InterruptedException e) {
            scope.cancel();
            Thread.currentThread().interrupt();
            throw new ModelException.Interrupted(e);
        } catch (RuntimeException e) {
            scope.cancel();
            if (!(e instanceof ModelException.Interrupted)) {
                tokensNotStored();
            }
            throw e;
        } finally {
            scope.cancel();
        }
        tokensNotStored();
        return menu();
    }

    // ---- the outline -------------------------------------------------------------------------------

    private void outline(List<Integer> days) {
        outlinedBefore = outlined.size();
        List<Integer> asked = days.subList(0, Math.min(days.size(), outlineChunk));
        int slots = asked.size() * request.meals().size();
        OutlineStream stream = new OutlineStream(day -> events.add(new Outlined(day)), this::spent);
        ModelCall call = new ModelCall("outline", "menu_outline", MenuPrompt.outlineSchema(),
                MenuPrompt.outline(request, asked, List.copyOf(outlined.values())), MenuPrompt.outlineTokens(slots),
                scope, stream, trace);
        tools.models().complete(call).whenComplete((ok, failure) ->
                events.add(new OutlineEnded(failure == null ? null : Models.unwrap(failure))));
    }

    private void onOutlined(MenuPrompt.OutlineDay day) {
        if (day.day() < 1 || day.day() > request.days() || outlined.containsKey(day.day())) {
            return; // a day we did not ask for, or the same day again from a retried stream
        }
        List<MealType> types = day.meals().stream().map(MenuPrompt.Slot::type).toList();
        if (!types.equals(request.meals()) || day.meals().stream().anyMatch(s -> s.name() == null || s.name().isBlank())) {
            return; // not the requested meals: the day counts as missing from this outline
        }
        outlined.put(day.day(), day);
        List<MenuPrompt.Assignment> assignments = new ArrayList<>();
        Set<String> nearby = namesNear(day.day());
        Set<String> today = new HashSet<>();
        for (MenuPrompt.Slot slot : day.meals()) {
            List<String> problems = new ArrayList<>(tools.validator().nameViolations(request, slot.name()));
            String name = normal(slot.name());
            if (nearby.contains(name) || !today.add(name)) {
                problems.add("'" + slot.name() + "' repeats a recipe within " + REPEAT_GAP_DAYS + " days; choose another");
            }
            assignments.add(new MenuPrompt.Assignment(slot, problems));
        }
        DayState state = new DayState(day.day(), assignments);
        writing.put(day.day(), state);
        if (day.day() == 1 && tools.config().firstDayByMeal()) {
            // the first day is what the user waits for: one recipe per call, all at once, so that it shows in
            // the time of one recipe instead of three or four
            for (MenuPrompt.Assignment meal : assignments) {
                List<MenuPrompt.Assignment> one = List.of(meal);
                enqueue(state, new Part(1, one, 0, MenuPrompt.day(request, 1, one, avoid(1))), false);
            }
            return;
        }
        enqueue(state, new Part(day.day(), assignments, 0, MenuPrompt.day(request, day.day(), assignments,
                avoid(day.day()))), false);
    }

    private void onOutlineEnded(Throwable failure) {
        int gained = outlined.size() - outlinedBefore;
        List<Integer> missing = missingDays();
        if (missing.isEmpty()) {
            return;
        }
        if (failure != null) {
            lastOutlineFailure = failure;
            rethrowIfFinal(failure);
        }
        boolean tooLong = failure instanceof ModelException.TooLong;
        if (tooLong && outlineChunk > 1) {
            outlineChunk = Math.max(1, Math.min(outlineChunk, missing.size()) / 2);
            LOG.infof("the outline is too long for the model's context; asking for %d day(s) at a time", outlineChunk);
            outline(missing);
            return;
        }
        if (gained == 0) {
            outlineFailures++;
        }
        // ask again for the missing days when that can help: the outline ended without them, or broke off
        // after some days, or came back unreadable; not after a provider outage (the retries are done), a
        // content filter or a refusal (the same question gets the same answer)
        boolean worthAsking = failure == null || gained > 0 || repairable(failure);
        if (worthAsking && outlineFailures < 2) {
            tools.metrics().repair("outline");
            outline(missing);
            return;
        }
        if (outlined.isEmpty()) {
            throw unusableOutline();
        }
        for (int day : missing) {
            fill(day, "the model's outline left it out");
        }
    }

    private RuntimeException unusableOutline() {
        if (lastOutlineFailure instanceof ModelException.TooLong t) {
            return new ModelException.BadAnswer(t.code(), t.getMessage());
        }
        if (lastOutlineFailure instanceof RuntimeException e) {
            return e;
        }
        return new ModelException.BadAnswer("MODEL_INVALID_MENU", "the model's outline of the menu was unusable twice");
    }

    private List<Integer> missingDays() {
        List<Integer> missing = new ArrayList<>();
        for (int d = 1; d <= request.days(); d++) {
            if (!outlined.containsKey(d) && !finished.containsKey(d)) {
                missing.add(d);
            }
        }
        return missing;
    }

    // ---- the days ----------------------------------------------------------------------------------

    private void enqueue(DayState state, Part part, boolean first) {
        state.partsOpen++;
        if (first) {
            pending.addFirst(part);
        } else {
            pending.addLast(part);
        }
    }

    private void startParts() {
        while (inFlight < tools.config().daysInParallel() && !pending.isEmpty()) {
            Part part = pending.pollFirst();
            inFlight++;
            ModelCall call = new ModelCall(part.round() == 0 ? "day" : "day-repair", "menu_day", MenuPrompt.daySchema(),
                    part.messages(), MenuPrompt.dayTokens(part.meals().size()), scope, new ModelCall.Listener() {
                        @Override
                        public void usage(Completion.Usage usage) {
                            spent(usage);
                        }
                    }, trace);
            tools.models().complete(call).whenComplete((completion, failure) -> events.add(
                    new PartEnded(part, completion, failure == null ? null : Models.unwrap(failure))));
        }
    }

    private void onPartEnded(Part part, Completion completion, Throwable failure) {
        inFlight--;
        DayState state = writing.get(part.day());
        state.partsOpen--;
        if (finished.containsKey(part.day())) {
            return; // the day was given up (filled from the catalog) while this part was still being written
        }
        if (failure != null) {
            rethrowIfFinal(failure);
            if (failure instanceof ModelException.TooLong && part.meals().size() > 1) {
                LOG.infof("day %d is too long for the model's context; asking for its meals one at a time", part.day());
                for (MenuPrompt.Assignment meal : part.meals()) {
                    List<MenuPrompt.Assignment> one = List.of(meal);
                    enqueue(state, new Part(part.day(), one, part.round(), part.round() == 0
                            ? MenuPrompt.day(request, part.day(), one, avoid(part.day()))
                            : MenuPrompt.repair(MenuPrompt.day(request, part.day(), one, avoid(part.day())), "",
                                    state.problems)), true);
                }
                return;
            }
            if (!tools.config().fallbackToCatalog()) {
                throw (RuntimeException) failure;
            }
            if (repairable(failure) && part.round() == 0) {
                state.problems.add(failure.getMessage());
                state.answers.put(part, "");
            } else {
                abandon(state, CatalogFallback.reason(failure) + ": " + failure.getMessage());
                return;
            }
        } else {
            state.model = completion.model();
            state.answers.put(part, completion.content());
            read(state, part, completion.content());
        }
        if (state.partsOpen > 0) {
            return;
        }
        List<String> problems = new ArrayList<>(state.problems);
        Menu.Day day = null;
        if (problems.isEmpty()) {
            day = assemble(state);
            problems.addAll(tools.validator().dayViolations(request, day, state.day));
            problems.addAll(repeats(day));
        }
        if (problems.isEmpty()) {
            store(day);
        } else if (state.round == 0) {
            repair(state, problems);
        } else {
            abandon(state, "the model's day broke the rules twice (" + String.join("; ",
                    problems.subList(0, Math.min(2, problems.size()))) + ")");
        }
    }

    /** Reads the meals of a part's answer into the day; what is wrong with it becomes one of the day's problems. */
    private void read(DayState state, Part part, String content) {
        AnswerDay answer;
        try {
            answer = ANSWERS.readValue(jsonObject(content), AnswerDay.class);
        } catch (Exception unreadable) {
            state.problems.add("the answer is not JSON in the required shape (" + unreadable.getClass().getSimpleName()
                    + ")");
            return;
        }
        List<MealType> got = answer.meals() == null ? List.of() : answer.meals().stream()
                .map(m -> m == null ? null : m.type()).toList();
        if (!got.equals(part.types()) || answer.meals().stream().anyMatch(m -> m.recipe() == null)) {
            state.problems.add("the answer for day " + part.day() + " has the meals " + got + ", " + part.types()
                    + " were asked for");
            return;
        }
        for (Menu.Meal meal : answer.meals()) {
            String missing = missing(meal.recipe());
            if (missing != null) {
                // a server that does not enforce the schema (plain JSON mode) may leave a field out or null
                state.problems.add("the " + meal.type().value() + " recipe of day " + part.day() + " has no " + missing);
                return;
            }
        }
        answer.meals().forEach(m -> state.written.put(m.type(), m));
    }

    /** The first field the recipe leaves out (null, or a null in a list), or null when it has them all. */
    private static String missing(Menu.Recipe r) {
        if (r.name() == null || r.name().isBlank()) {
            return "name";
        }
        if (r.cuisine() == null) {
            return "cuisine";
        }
        if (r.ingredients() == null || r.ingredients().isEmpty()) {
            return "ingredients";
        }
        for (Menu.Ingredient i : r.ingredients()) {
            if (i == null || i.name() == null || i.name().isBlank()) {
                return "name for an ingredient";
            }
            if (i.unit() == null) {
                return "unit for " + i.name();
            }
        }
        if (r.steps() == null || r.steps().stream().anyMatch(java.util.Objects::isNull)) {
            return "steps";
        }
        return r.nutrition() == null ? "nutrition" : null;
    }

    private void repair(DayState state, List<String> problems) {
        tools.metrics().repair("day");
        LOG.infof("day %d of the model's menu rejected: %d problem(s); asking for a repair", state.day, problems.size());
        state.round = 1;
        state.problems.clear();
        state.written.clear();
        Map<Part, String> previous = new LinkedHashMap<>(state.answers);
        state.answers.clear();
        previous.forEach((part, answer) -> enqueue(state, new Part(state.day, part.meals(), 1,
                MenuPrompt.repair(part.messages(), answer, problems)), true));
    }

    private Menu.Day assemble(DayState state) {
        List<Menu.Meal> meals = request.meals().stream().map(state.written::get).toList();
        Nutrition totals = Nutrition.ZERO;
        for (Menu.Meal meal : meals) {
            totals = totals.plus(meal.recipe().nutrition());
        }
        return new Menu.Day(state.day, meals, totals, Menu.SOURCE_LLM, state.model);
    }

    /** A recipe repeated within the day, or within three days of one already written. */
    private List<String> repeats(Menu.Day day) {
        List<String> problems = new ArrayList<>();
        Set<String> today = new HashSet<>();
        for (Menu.Meal meal : day.meals()) {
            String name = normal(meal.recipe().name());
            if (!today.add(name)) {
                problems.add("'" + meal.recipe().name() + "' appears twice on day " + day.day());
            }
        }
        for (Menu.Day other : finished.values()) {
            if (Math.abs(other.day() - day.day()) < REPEAT_GAP_DAYS && Menu.SOURCE_LLM.equals(other.source())) {
                for (Menu.Meal meal : other.meals()) {
                    if (today.contains(normal(meal.recipe().name()))) {
                        problems.add("'" + meal.recipe().name() + "' is already on day " + other.day()
                                + "; choose another recipe");
                    }
                }
            }
        }
        return problems;
    }

    /** The day cannot come from the model: the catalog's day takes its place, with a warning. */
    private void abandon(DayState state, String why) {
        if (!tools.config().fallbackToCatalog()) {
            throw new ModelException.BadAnswer("MODEL_INVALID_MENU", "day " + state.day + ": " + why);
        }
        pending.removeIf(p -> p.day() == state.day);
        fill(state.day, why);
    }

    private void fill(int day, String why) {
        if (catalogPlan == null) {
            catalogPlan = tools.catalogPlanner().plan(request, seed);
        }
        Menu.Day fromCatalog = catalogPlan.days().get(day - 1);
        warnings.add("Day " + day + " comes from the built-in recipe catalog: " + why + ".");
        LOG.infof("day %d filled from the catalog: %s", day, why);
        store(new Menu.Day(day, fromCatalog.meals(), fromCatalog.totals(), Menu.SOURCE_CATALOG, null));
    }

    private void store(Menu.Day validated) {
        // every ingredient line as a cook reads it, whatever the model wrote there
        Menu.Day day = IngredientText.of(validated, tools.catalog().facts());
        MenuJobDays.Tokens tokens = takeUnstored();
        progress.day(day, tokens);
        finished.put(day.day(), day);
        tools.metrics().day(day.source());
    }

    // ---- bookkeeping -------------------------------------------------------------------------------

    /** Failures that end the job whatever else happens: a refused key, quota or request, or a cancellation. */
    private static void rethrowIfFinal(Throwable failure) {
        if (failure instanceof ModelException.Interrupted i) {
            throw i;
        }
        if (failure instanceof ModelException.Rejected r && !(r instanceof ModelException.TooLong)) {
            throw r;
        }
        if (!CatalogFallback.isModelFailure(failure)) {
            throw failure instanceof RuntimeException e ? e : new IllegalStateException(failure);
        }
    }

    /** A bad answer a second try with the problem spelled out may fix (not a refusal or a content filter). */
    private static boolean repairable(Throwable failure) {
        return failure instanceof ModelException.BadAnswer b && !b.code().equals("MODEL_CONTENT_FILTER")
                && !b.code().equals("MODEL_REFUSED") && !b.code().equals("MODEL_NOT_CHAT");
    }

    private synchronized void spent(Completion.Usage usage) {
        MenuJobDays.Tokens t = new MenuJobDays.Tokens(usage.promptTokens(), usage.completionTokens());
        unstored = unstored.plus(t);
        total = total.plus(t);
    }

    private synchronized MenuJobDays.Tokens takeUnstored() {
        MenuJobDays.Tokens t = unstored;
        unstored = MenuJobDays.Tokens.NONE;
        return t;
    }

    private void tokensNotStored() {
        MenuJobDays.Tokens left = takeUnstored();
        if (!left.isZero()) {
            try {
                progress.tokens(left);
            } catch (RuntimeException e) {
                LOG.warnf("could not record %d tokens of job %s: %s", left.prompt() + left.completion(), job.id(),
                        e.getMessage());
            }
        }
    }

    private Set<String> namesNear(int day) {
        Set<String> names = new HashSet<>();
        for (MenuPrompt.OutlineDay other : outlined.values()) {
            if (other.day() != day && Math.abs(other.day() - day) < REPEAT_GAP_DAYS) {
                other.meals().forEach(s -> names.add(normal(s.name())));
            }
        }
        return names;
    }

    /** Recipe names of the days around {@code day}, so that a day written alone does not repeat them. */
    private List<String> avoid(int day) {
        List<String> names = new ArrayList<>();
        for (MenuPrompt.OutlineDay other : outlined.values()) {
            if (other.day() != day && Math.abs(other.day() - day) < REPEAT_GAP_DAYS) {
                other.meals().forEach(s -> names.add(s.name()));
            }
        }
        return names;
    }

    private PlannedMenu menu() {
        List<Menu.Day> days = List.copyOf(finished.values());
        Map<String, Long> models = days.stream().filter(d -> d.model() != null)
                .collect(Collectors.groupingBy(Menu.Day::model, Collectors.counting()));
        String model = models.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(null);
        String source = model == null ? Menu.SOURCE_CATALOG : Menu.SOURCE_LLM;
        List<String> allWarnings = new ArrayList<>(warnings);
        allWarnings.sort(Comparator.naturalOrder());
        Menu.Plan plan = new Menu.Plan(source, model, days, ShoppingList.of(days, tools.catalog().facts()),
                List.copyOf(allWarnings));
        return new PlannedMenu(plan, new Menus.Usage((int) total.prompt(), (int) total.completion()));
    }

    private static String normal(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }

    /** The JSON object of an answer, without a markdown fence or words around it. */
    private static String jsonObject(String content) {
        int start = content.indexOf('{');
        int end = content.lastIndexOf('}');
        return start >= 0 && end > start ? content.substring(start, end + 1) : content;
    }
}
