package app.mealplanner.worker.job;

import jakarta.enterprise.context.ApplicationScoped;

import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.llm.ModelConfig;
import app.mealplanner.worker.llm.ModelPlanner;
import app.mealplanner.worker.planner.CatalogPlanner;

/** Chooses how a job's menu is planned: the model when a key is configured, the catalog planner otherwise. */
@ApplicationScoped
public class MenuPlanning {

    /** Reports a job's stage and progress as it moves. */
    @FunctionalInterface
    public interface Progress {
        void report(Stage stage, int progress);
    }

    private final CatalogPlanner catalogPlanner;
    private final ModelPlanner modelPlanner;
    private final ModelConfig modelConfig;

    public MenuPlanning(CatalogPlanner catalogPlanner, ModelPlanner modelPlanner, ModelConfig modelConfig) {
        this.catalogPlanner = catalogPlanner;
        this.modelPlanner = modelPlanner;
        this.modelConfig = modelConfig;
    }

    /** The job is already in the planning stage ({@code MenuJobs.start}); the model path reports the rest. */
    public PlannedMenu plan(MenuJob job, Progress progress) {
        // the seed comes from the job id, so a retried job plans the same catalog menu
        long seed = job.id().getMostSignificantBits() ^ job.id().getLeastSignificantBits();
        if (modelConfig.configured()) {
            return modelPlanner.plan(job.request(), seed, progress);
        }
        return new PlannedMenu(catalogPlanner.plan(job.request(), seed), Menus.Usage.NONE);
    }
}
