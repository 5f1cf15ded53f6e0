package app.mealplanner.worker.job;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jobrunr.JobRunrException;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.MenuJobHandler;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.llm.CatalogFallback;
import app.mealplanner.worker.llm.ModelException;
import app.mealplanner.worker.planner.MenuValidator;
import app.mealplanner.worker.planner.UnsatisfiableRequestException;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.arc.Unremovable;

/**
 * Runs one menu job: RUNNING → plan (catalog or model) → validate → store the menu and SUCCEEDED in one
 * transaction. Every step is safe to repeat (JobRunr delivers at least once): a final job is left alone,
 * a job that already has a menu keeps it, and a job cancelled meanwhile stores nothing. No database
 * connection is held while planning or waiting for the model.
 */
@ApplicationScoped
@Unremovable
public class MenuJobRunner extends MenuJobHandler {

    private static final Logger LOG = Logger.getLogger(MenuJobRunner.class);

    /** Thrown from a progress report when the job was cancelled meanwhile. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private final MenuJobs jobs;
    private final MenuJobDays days;
    private final Menus menus;
    private final Database database;
    private final MenuPlanning planning;
    private final MenuValidator validator;
    private final MeterRegistry metrics;
    private final Tracer tracer;

    public MenuJobRunner(MenuJobs jobs, MenuJobDays days, Menus menus, Database database, MenuPlanning planning,
            MenuValidator validator, MeterRegistry metrics, Tracer tracer) {
        this.tracer = tracer;
        this.jobs = jobs;
        this.days = days;
        this.menus = menus;
        this.database = database;
        this.planning = planning;
        this.validator = validator;
        this.metrics = metrics;
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
        // continue the trace of the request that created the job: the model call becomes part of it
        Span span = tracer.spanBuilder("menu-job").setSpanKind(SpanKind.CONSUMER)
                .setParent(JobTrace.parentOf(job.traceparent()))
                .setAttribute("menu.job.id", id.toString())
                .setAttribute("menu.job.attempt", job.attempt())
                .startSpan();
        try (Scope scope = span.makeCurrent()) {
            run(job);
        } finally {
            span.end();
        }
    }

    private void run(MenuJob job) {
        UUID id = job.id();
        long startNanos = System.nanoTime();
        if (job.attempt() == 1 && job.startedAt() != null) {
            metrics.timer("menu.jobs.pickup").record(java.time.Duration.between(job.createdAt(), job.startedAt()));
        }
        org.jboss.logging.MDC.put("jobId", id.toString());
        org.jboss.logging.MDC.put("userId", job.userId().toString());
        String result = "error";
        String source = "none";
        // how long the jobs this worker holds have been running: a stuck one shows in ..._max
        LongTaskTimer.Sample running = LongTaskTimer.builder("menu.jobs.running")
                .description("menu jobs running in this worker").register(metrics).start();
        try {
            JobProgress progress = new JobProgress(job, jobs, days, database);
            PlannedMenu planned = planning.plan(job, progress);
            List<String> violations = validator.violations(job.request(), planned.plan().days());
            if (!violations.isEmpty()) {
                throw new IllegalStateException("planned menu breaks the request: " + violations);
            }
            // one borrow: the stages reported since the model call, "saving", then the menu and SUCCEEDED
            boolean stored = progress.flushThen(Stage.SAVING, 95, c -> {
                UUID menuId = menus.store(c, id, job.userId(), job.request(), planned.plan(), planned.usage());
                if (!jobs.succeed(c, id, menuId)) {
                    c.rollback(); // cancelled meanwhile: keep no menu
                    return false;
                }
                return true;
            });
            result = stored ? "succeeded" : "cancelled";
            if (stored) {
                source = planned.plan().source();
                DashboardJobSource.recordPlannedSource(source);
            }
            outcome(result, planned.plan().source());
            LOG.infof("job %s %s (attempt %d, %s)", id, stored ? "succeeded" : "was cancelled; no menu stored",
                    job.attempt(), planned.plan().source());
        } catch (Cancelled e) {
            result = "cancelled";
            outcome(result, "none");
            LOG.infof("job %s was cancelled while running; stopped", id);
        } catch (UnsatisfiableRequestException e) {
            result = "failed";
            giveUp(id, UnsatisfiableRequestException.CODE, e.getMessage());
        } catch (ModelException.Rejected e) {
            result = "failed";
            giveUp(id, e.code(), e.getMessage());
        } catch (ModelException.Interrupted e) {
            // look at the row with the interrupt cleared: a virtual thread's socket I/O would close the connection
            boolean interrupted = Thread.interrupted();
            if (cancelled(id)) {
                result = "cancelled";
                outcome(result, "none");
                LOG.infof("job %s was cancelled; its model call was interrupted", id);
                return;
            }
            result = "interrupted";
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e; // the worker is stopping: JobRunr re-queues the job
        } catch (RuntimeException e) {
            if (CatalogFallback.isModelFailure(e)) {
                // fallback is off: this attempt fails and JobRunr retries later
                jobs.recordError(id, CatalogFallback.reason(e), e.getMessage());
                result = "retry";
                outcome(result, "none");
                throw e;
            }
            if (cancelled(id)) {
                result = "cancelled";
                outcome(result, "none");
                return;
            }
            LOG.errorf(e, "job %s attempt %d failed", id, job.attempt());
            jobs.recordError(id, "INTERNAL", "The menu could not be generated; it will be retried.");
            result = "retry";
            outcome(result, "none");
            throw e;
        } finally {
            running.stop();
            metrics.timer("menu.jobs.duration", "result", result, "source", source)
                    .record(java.time.Duration.ofNanos(System.nanoTime() - startNanos));
            org.jboss.logging.MDC.remove("jobId");
            org.jboss.logging.MDC.remove("userId");
        }
    }

    /** Fails the job without retries; it is counted as failed where it becomes FAILED (MenuJobStateSync). */
    private void giveUp(UUID id, String code, String message) {
        jobs.recordError(id, code, message);
        throw new JobRunrException(code + ": " + message, true);
    }

    private boolean cancelled(UUID id) {
        return jobs.find(id).map(j -> j.status() == JobState.CANCELLED).orElse(true);
    }

    private void outcome(String outcome, String source) {
        metrics.counter("menu.jobs.outcome", "outcome", outcome, "source", source).increment();
    }
}
