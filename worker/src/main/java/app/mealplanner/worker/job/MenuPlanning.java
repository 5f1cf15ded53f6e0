package app.mealplanner.worker.job;

import jakarta.enterprise.context.ApplicationScoped;

import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.worker.planner.CatalogPlanner;

/** Chooses how a job's menu is planned. Without a model configured: the catalog planner. */
@ApplicationScoped
public class MenuPlanning {

    /** Reports a job's stage and progress as it moves. */
    @FunctionalInterface
    public interface Progress {
        void report(Stage stage, int progress);
    }

    private final CatalogPlanner catalogPlanner;

    public MenuPlanning(CatalogPlanner catalogPlanner) {
        this.catalogPlanner = catalogPlanner;
    }

    public Menu.Plan plan(MenuJob job, Progress progress) {
        progress.report(Stage.PLANNING, 10);
        // the seed comes from the job id, so a retried job plans the same menu
        return catalogPlanner.plan(job.request(), job.id().getMostSignificantBits() ^ job.id().getLeastSignificantBits());
    }
}
