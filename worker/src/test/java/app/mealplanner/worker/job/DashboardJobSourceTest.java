package app.mealplanner.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.junit.jupiter.api.Test;

import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.menu.Menu;

/** The source a worker without a model gives its jobs (the worker with one: DashboardJobNamesTest). */
class DashboardJobSourceTest {

    @Test
    void shouldNameEveryJobOfAWorkerWithoutAModelACatalogJob() {
        DashboardJobSource withoutModel = new DashboardJobSource(() -> false);
        UUID id = UUID.randomUUID();
        Job job = new Job(id, new JobDetails(new MenuJobRequest(id)));
        job.setJobName("Menu 3d × 3 · vegetarian");
        job.setLabels(List.of("diet:vegetarian", "size:medium"));

        withoutModel.onProcessing(job);
        assertThat(job.getJobName()).isEqualTo("Menu 3d × 3 · vegetarian · catalog");
        assertThat(job.getLabels()).containsExactly("source:catalog", "diet:vegetarian", "size:medium");

        job.getMetadata().put(DashboardJobSource.PLANNED_SOURCE, Menu.SOURCE_CATALOG);
        withoutModel.onProcessingSucceeded(job);
        assertThat(job.getJobName()).isEqualTo("Menu 3d × 3 · vegetarian · catalog");
        assertThat(job.getLabels()).containsExactly("source:catalog", "diet:vegetarian", "size:medium");
    }
}
