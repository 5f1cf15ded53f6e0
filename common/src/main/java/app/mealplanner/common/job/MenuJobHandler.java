package app.mealplanner.common.job;

import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * The handler JobRunr records for a {@link MenuJobRequest}. The worker provides the one implementation
 * (a CDI bean); the api only needs the name to enqueue. JobRunr validates a job at enqueue time by finding
 * a concrete {@code run(MenuJobRequest)} declared on this class, hence the final method delegating to
 * {@link #process}.
 */
public abstract class MenuJobHandler implements JobRequestHandler<MenuJobRequest> {

    @Override
    public final void run(MenuJobRequest request) throws Exception {
        process(request);
    }

    protected abstract void process(MenuJobRequest request) throws Exception;
}
