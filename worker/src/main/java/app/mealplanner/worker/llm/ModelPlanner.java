package app.mealplanner.worker.llm;

import jakarta.enterprise.context.ApplicationScoped;

import app.mealplanner.common.job.MenuJob;
import app.mealplanner.worker.job.MenuPlanning;
import app.mealplanner.worker.job.PlannedMenu;
import app.mealplanner.worker.planner.Catalog;
import app.mealplanner.worker.planner.CatalogPlanner;
import app.mealplanner.worker.planner.MenuValidator;

/**
 * Asks the model for a job's menu, day by day ({@link MenuWriting}), and accepts each day only when it
 * passes the same validator as catalog menus. Day totals and the shopping list are computed here, never
 * taken from the model. Model failures that leave no usable outline reach the caller as
 * {@link ModelException}s (the caller decides about the catalog); everything else (a database error,
 * a cancelled job) passes through untouched.
 */
@ApplicationScoped
public class ModelPlanner {

    /** What one job's writing needs. */
    record Tools(Models models, MenuValidator validator, CatalogPlanner catalogPlanner, Catalog catalog,
            ModelConfig config, ModelMetrics metrics) {
    }

    private final Tools tools;

    public ModelPlanner(Models models, MenuValidator validator, CatalogPlanner catalogPlanner, Catalog catalog,
            ModelConfig config, ModelMetrics metrics) {
        this.tools = new Tools(models, validator, catalogPlanner, catalog, config, metrics);
    }

    public PlannedMenu plan(MenuJob job, long seed, MenuPlanning.Progress progress) {
        return new MenuWriting(job, seed, progress, tools).write();
    }
}
