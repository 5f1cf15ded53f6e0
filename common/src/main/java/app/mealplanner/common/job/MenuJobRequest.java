package app.mealplanner.common.job;

import java.util.UUID;

import org.jobrunr.jobs.lambdas.JobRequest;

/**
 * The JobRunr job contract shared by api (which enqueues) and worker (which runs it). Its only argument
 * is the {@code menu_job} id, which is also the JobRunr job id: everything else is read from the database.
 */
public record MenuJobRequest(UUID menuJobId) implements JobRequest {

    @Override
    public Class<MenuJobHandler> getJobRequestHandler() {
        return MenuJobHandler.class;
    }
}
