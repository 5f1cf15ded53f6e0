package app.mealplanner.worker.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.Menu;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Moves one running job's stage, progress and days, writing as rarely as the stages allow. A stage before a
 * long wait (calling the model) is written at once, together with any stage that was reported since the
 * last write, and the days an earlier attempt stored are discarded then; stages that last milliseconds
 * (validating) are written with the next write, just before the job moves on. Every stage is written to the
 * row, in order, as its own update, so subscribers get each as its own event; the last ones commit with the
 * menu ({@link #finishWith}), so pollers, who read committed rows, may not see them. Each finished day is
 * stored at once, with the progress it means.
 * No transaction is open while the job plans or waits for the model.
 */
final class JobProgress implements MenuPlanning.Progress {

    private record Step(Stage stage, int progress) {
    }

    /** Progress while days are written: from here to {@link #DAYS_DONE} as they are ready. */
    private static final int DAYS_FROM = 30;
    private static final int DAYS_DONE = 90;

    private final UUID id;
    private final int attempt;
    private final int daysTotal;
    private final MenuJobs jobs;
    private final MenuJobDays days;
    private final List<Step> pending = new ArrayList<>();
    private int daysReady;

    JobProgress(MenuJob job, MenuJobs jobs, MenuJobDays days) {
        this.id = job.id();
        this.attempt = job.attempt();
        this.daysTotal = job.request().days();
        this.jobs = jobs;
        this.days = days;
    }

    @Override
    public void report(Stage stage, int progress) {
        pending.add(new Step(stage, progress));
        if (stage == Stage.CALLING_MODEL) {
            if (attempt > 1) { // a first attempt has no earlier one: one statement less per job
                QuarkusTransaction.requiringNew().run(() -> days.discardEarlierAttempts(id, attempt));
            }
            if (!flush()) {
                throw new MenuJobRunner.Stopped();
            }
        }
    }

    @Override
    public void day(Menu.Day day, MenuJobDays.Tokens tokens) {
        int progress = DAYS_FROM + (DAYS_DONE - DAYS_FROM) * (daysReady + 1) / Math.max(1, daysTotal);
        if (!days.store(id, attempt, day, progress, tokens)) {
            throw new MenuJobRunner.Stopped();
        }
        daysReady++;
    }

    @Override
    public void tokens(MenuJobDays.Tokens tokens) {
        days.addTokens(id, attempt, tokens);
    }

    /**
     * Writes the pending stages, then {@code stage}, then runs {@code work}, all in one transaction: the stage at
     * the end of a job (saving) lasts as long as that transaction, so it is committed with the work it
     * announces. Each stage is still its own update of the row, so each still reaches the job's subscribers, in
     * order ({@code menu_job_events}, one notification per update, delivered at the commit); a poller sees the
     * row after the commit only. Throws {@link MenuJobRunner.Stopped}, and nothing is written, when the row is
     * no longer RUNNING in this attempt or {@code work} finds so (returns empty): the exception rolls the
     * transaction back ({@code QuarkusTransaction.setRollbackOnly} would make the commit throw instead).
     */
    <T> T finishWith(Stage stage, int progress, Supplier<Optional<T>> work) {
        pending.add(new Step(stage, progress));
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!flush()) {
                throw new MenuJobRunner.Stopped();
            }
            return work.get().orElseThrow(MenuJobRunner.Stopped::new);
        });
    }

    private boolean flush() {
        try {
            for (Step step : pending) {
                if (!jobs.progress(id, attempt, step.stage(), step.progress())) {
                    return false;
                }
            }
            return true;
        } finally {
            pending.clear();
        }
    }
}
