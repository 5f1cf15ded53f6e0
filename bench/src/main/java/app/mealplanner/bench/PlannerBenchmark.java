package app.mealplanner.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import app.mealplanner.common.menu.Allergen;
import app.mealplanner.common.menu.Diet;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.worker.planner.Catalog;
import app.mealplanner.worker.planner.CatalogPlanner;
import app.mealplanner.worker.planner.MenuValidator;

/**
 * How long the catalog planner takes for the largest request: 14 days × 4 meals, with a calorie
 * target, allergies and exclusions (target: under 50 ms). The validator run is measured too, since the
 * worker validates every menu before storing it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlannerBenchmark {

    @Param({"omnivore", "vegan", "keto"})
    public String diet;

    private CatalogPlanner planner;
    private MenuValidator validator;
    private MenuRequest request;
    private long seed;

    @Setup
    public void setUp() {
        Catalog catalog = Catalog.load();
        planner = new CatalogPlanner(catalog);
        validator = new MenuValidator(catalog.facts());
        request = new MenuRequest(14, List.of(MealType.values()), Diet.of(diet), List.of(Allergen.PEANUTS),
                List.of("mushrooms"), 2200, 4, List.of("italian"), null, null);
    }

    @Benchmark
    public Menu.Plan plan14Days4Meals() {
        return planner.plan(request, seed++);
    }

    @Benchmark
    public List<String> planAndValidate14Days4Meals() {
        Menu.Plan plan = planner.plan(request, seed++);
        return validator.violations(request, plan.days());
    }
}
