package app.mealplanner.worker.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;

/**
 * Moves one running job's stage and progress, borrowing a pooled connection as rarely as the stages
 * allow. A stage before a long wait (calling the model) is written at once, together with any stage that
 * was reported since the last write; stages that last milliseconds (validating) are written with the next
 * write, in the same borrow, just before the job moves on. Every stage still reaches the row, and its
 * subscribers, in order, each in its own commit. The runner writes the last ones together with the menu
 * ({@link #flushThen}).
 */
final class JobProgress implements MenuPlanning.Progress {

    private record Step(Stage stage, int progress) {
    }

    private final UUID id;
    private final int attempt;
    private final MenuJobs jobs;
    private final Database database;
    private final List<Step> pending = new ArrayList<>();

    JobProgress(UUID id, int attempt, MenuJobs jobs, Database database) {
        this.id = id;
        this.attempt = attempt;
        this.jobs = jobs;
        this.database = database;
    }

    @Override
    public void report(Stage stage, int progress) {
        pending.add(new Step(stage, progress));
        if (stage == Stage.CALLING_MODEL && !database.run(this::flush)) {
            throw new MenuJobRunner.Stopped();
        }
    }

    /**
     * On one borrowed connection: writes the pending stages, then {@code stage}, each committed on its
     * own, then runs {@code work} in a transaction. Throws {@link MenuJobRunner.Stopped} when the row is
     * no longer RUNNING in this attempt, before {@code work} runs.
     */
    <T> T flushThen(Stage stage, int progress, Database.Work<T> work) {
        pending.add(new Step(stage, progress));
        return database.run(c -> {
            if (!flush(c)) {
                throw new MenuJobRunner.Stopped();
            }
            return Database.inTransaction(c, work);
        });
    }

    private boolean flush(Connection c) throws SQLException {
        try {
            for (Step step : pending) {
                if (!jobs.progress(c, id, attempt, step.stage(), step.progress())) {
                    return false;
                }
            }
            return true;
        } finally {
            pending.clear();
        }
    }
}
