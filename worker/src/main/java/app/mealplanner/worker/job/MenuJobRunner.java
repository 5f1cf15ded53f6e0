package app.mealplanner.worker.job;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jobrunr.JobRunrException;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobHandler;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.planner.MenuValidator;
import app.mealplanner.worker.planner.UnsatisfiableRequestException;
import io.quarkus.arc.Unremovable;

/**
 * Runs one menu job: RUNNING → plan → validate → store the menu and SUCCEEDED in one transaction.
 * Every step is safe to repeat (JobRunr delivers at least once): a final job is left alone and a job
 * that already has a menu keeps it. A cancelled job stores nothing.
 */
@ApplicationScoped
@Unremovable
public class MenuJobRunner extends MenuJobHandler {

    private static final Logger LOG = Logger.getLogger(MenuJobRunner.class);

    private final MenuJobs jobs;
    private final Menus menus;
    private final Database database;
    private final MenuPlanning planning;
    private final MenuValidator validator;

    public MenuJobRunner(MenuJobs jobs, Menus menus, Database database, MenuPlanning planning,
            MenuValidator validator) {
        this.jobs = jobs;
        this.menus = menus;
        this.database = database;
        this.planning = planning;
        this.validator = validator;
    }

    @Override
    protected void process(MenuJobRequest request) {
        UUID id = request.menuJobId();
        Optional<MenuJob> started = jobs.start(id);
        if (started.isEmpty()) {
            LOG.infof("job %s is already final or gone; nothing to do", id);
            return;
        }
        MenuJob job = started.get();
        try {
            Menu.Plan plan = planning.plan(job, (stage, progress) -> jobs.progress(id, stage, progress));
            jobs.progress(id, Stage.VALIDATING, 85);
            List<String> violations = validator.violations(job.request(), plan.days());
            if (!violations.isEmpty()) {
                throw new IllegalStateException("planned menu breaks the request: " + violations);
            }
            jobs.progress(id, Stage.SAVING, 95);
            boolean stored = database.transaction(c -> {
                UUID menuId = menus.store(c, id, job.userId(), job.request(), plan, Menus.Usage.NONE);
                if (!jobs.succeed(c, id, menuId)) {
                    c.rollback(); // cancelled meanwhile: keep no menu
                    return false;
                }
                return true;
            });
            LOG.infof("job %s %s (attempt %d)", id, stored ? "succeeded" : "was cancelled; no menu stored",
                    job.attempt());
        } catch (UnsatisfiableRequestException e) {
            jobs.recordError(id, UnsatisfiableRequestException.CODE, e.getMessage());
            throw new JobRunrException(UnsatisfiableRequestException.CODE + ": " + e.getMessage(), true);
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s attempt %d failed", id, job.attempt());
            jobs.recordError(id, "INTERNAL", "The menu could not be generated; it will be retried.");
            throw e;
        }
    }
}
