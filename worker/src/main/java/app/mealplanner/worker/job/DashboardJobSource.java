package app.mealplanner.worker.job;

import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.JobServerFilter;
import org.jobrunr.server.runner.ThreadLocalJobContext;

import app.mealplanner.common.jobrunr.MenuJobLabels;
import app.mealplanner.common.jobrunr.MenuJobLabels.Source;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.worker.llm.ModelConfig;

/**
 * Puts the source of a menu job into its JobRunr name and labels, which only this worker knows: when it
 * starts the job, what it will try (its model, or the catalog when it has none); when the job succeeds,
 * where the stored menu came from (the model, the catalog, or the catalog after the model failed). The
 * job's own thread hands the planned source over as JobRunr job metadata (wiped by JobRunr on success);
 * JobRunr saves the new name with the job's next heartbeat and with its final state.
 */
@ApplicationScoped
public class DashboardJobSource implements JobServerFilter {

    static final String PLANNED_SOURCE = "menu.source";

    private final BooleanSupplier modelConfigured;

    @Inject
    public DashboardJobSource(ModelConfig model) {
        this(model::configured);
    }

    DashboardJobSource(BooleanSupplier modelConfigured) {
        this.modelConfigured = modelConfigured;
    }

    /** Records, on the job's thread, where the stored menu came from ({@code llm} or {@code catalog}). */
    static void recordPlannedSource(String menuSource) {
        if (ThreadLocalJobContext.hasJobContext()) {
            ThreadLocalJobContext.getJobContext().saveMetadata(PLANNED_SOURCE, menuSource);
        }
    }

    @Override
    public void onProcessing(Job job) {
        show(job, modelConfigured.getAsBoolean() ? Source.MODEL : Source.CATALOG);
    }

    @Override
    public void onProcessingSucceeded(Job job) {
        Object planned = job.getMetadata().get(PLANNED_SOURCE);
        if (planned == null) {
            return; // cancelled, or already final: no menu of this run, the name keeps what was tried
        }
        show(job, Menu.SOURCE_LLM.equals(planned) ? Source.MODEL
                : modelConfigured.getAsBoolean() ? Source.MODEL_FALLBACK : Source.CATALOG);
    }

    private static void show(Job job, Source source) {
        job.setJobName(MenuJobLabels.nameWithSource(job.getJobName(), source));
        job.setLabels(MenuJobLabels.labelsWithSource(job.getLabels(), source));
    }
}
