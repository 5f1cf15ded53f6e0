package app.mealplanner.worker.job;

import jakarta.enterprise.context.ApplicationScoped;

import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.llm.CatalogFallback;
import app.mealplanner.worker.llm.ModelConfig;
import app.mealplanner.worker.llm.ModelPlanner;
import app.mealplanner.worker.planner.CatalogPlanner;
import app.mealplanner.worker.planner.IgnoredCuisines;

/**
 * Chooses how a job's menu is planned: the model when a key is configured, the catalog planner otherwise.
 * When the model cannot write the menu at all, the catalog steps in here, explicitly and only for model
 * failures: a database error, a cancelled job or a stopping worker is never turned into a catalog menu.
 */
@ApplicationScoped
public class MenuPlanning {

    /** Reports a running job's stage, progress and days as it moves. */
    public interface Progress {
        void report(Stage stage, int progress);

        /**
         * A finished day (validated, or filled from the catalog), stored at once with the tokens spent
         * since the last one; throws {@link MenuJobRunner.Cancelled} when the job stopped running this attempt.
         */
        default void day(Menu.Day day, MenuJobDays.Tokens tokens) {
        }

        /** Tokens spent that no stored day carries (a failed attempt, a menu from the catalog). */
        default void tokens(MenuJobDays.Tokens tokens) {
        }
    }

    private final CatalogPlanner catalogPlanner;
    private final ModelPlanner modelPlanner;
    private final ModelConfig modelConfig;
    private final CatalogFallback fallback;

    public MenuPlanning(CatalogPlanner catalogPlanner, ModelPlanner modelPlanner, ModelConfig modelConfig,
            CatalogFallback fallback) {
        this.catalogPlanner = catalogPlanner;
        this.modelPlanner = modelPlanner;
        this.modelConfig = modelConfig;
        this.fallback = fallback;
    }

    /** The job is already in the planning stage ({@code MenuJobs.start}); the model path reports the rest. */
    public PlannedMenu plan(MenuJob job, Progress progress) {
        PlannedMenu planned = planned(job, progress);
        return new PlannedMenu(IgnoredCuisines.warn(job.request(), planned.plan()), planned.usage());
    }

    private PlannedMenu planned(MenuJob job, Progress progress) {
        // the seed comes from the job id, so a retried job plans the same catalog menu
        long seed = job.id().getMostSignificantBits() ^ job.id().getLeastSignificantBits();
        if (!modelConfig.configured()) {
            return new PlannedMenu(catalogPlanner.plan(job.request(), seed), Menus.Usage.NONE);
        }
        try {
            return modelPlanner.plan(job, seed, progress);
        } catch (RuntimeException e) {
            if (!CatalogFallback.isModelFailure(e) || e instanceof app.mealplanner.worker.llm.ModelException.Rejected) {
                throw e;
            }
            return fallback.menu(job.request(), seed, e);
        }
    }
}
