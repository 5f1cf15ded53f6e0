package app.mealplanner.worker.job;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jobrunr.JobRunrException;
import org.jobrunr.server.runner.ThreadLocalJobContext;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.MenuJobHandler;
import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
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
 * Runs one attempt of a menu job: RUNNING → plan (catalog or model) → validate → the saving stage, the menu
 * and SUCCEEDED in one transaction. Every step is safe to repeat (JobRunr delivers at least once): a final job
 * is left alone, a job that already has a menu keeps it, and an attempt whose row moved on meanwhile
 * (cancelled, or JobRunr gave the job to a later attempt) stores nothing. No database connection is held
 * while planning or waiting for the model.
 */
@ApplicationScoped
@Unremovable
public class MenuJobRunner extends MenuJobHandler {

    private static final Logger LOG = Logger.getLogger(MenuJobRunner.class);

    /** Thrown from a progress report when the row is no longer RUNNING in this attempt. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("the job moved on without this attempt", null, false, false);
        }
    }

    private final MenuJobs jobs;
    private final MenuJobDays days;
    private final MenuPlanning planning;
    private final MenuValidator validator;
    private final MeterRegistry metrics;
    private final Tracer tracer;
    private final RunningJobs running;

    public MenuJobRunner(MenuJobs jobs, MenuJobDays days, MenuPlanning planning,
            MenuValidator validator, MeterRegistry metrics, Tracer tracer, RunningJobs running) {
        this.running = running;
        this.tracer = tracer;
        this.jobs = jobs;
        this.days = days;
        this.planning = planning;
        this.validator = validator;
        this.metrics = metrics;
    }

    @Override
    protected void process(MenuJobRequest request) {
        UUID id = request.menuJobId();
        OptionalInt attempt = attemptCountedByJobRunr();
        Optional<MenuJob> started = attempt.isPresent() ? jobs.start(id, attempt.getAsInt()) : jobs.start(id);
        if (started.isEmpty()) {
            LOG.infof("job %s is already final, gone, or in a later attempt; nothing to do", id);
            return;
        }
        MenuJob job = started.get();
        // continue the trace of the request that created the job: the model call becomes part of it
        Span span = tracer.spanBuilder("menu-job").setSpanKind(SpanKind.CONSUMER)
                .setParent(JobTrace.parentOf(job.traceparent()))
                .setAttribute("menu.job.id", id.toString())
                .setAttribute("menu.job.attempt", job.attempt())
                .startSpan();
        // registered, a cancellation interrupts this thread at once (CancellationListener)
        try (Scope scope = span.makeCurrent(); RunningJobs.Registration registration = running.register(id)) {
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
        LongTaskTimer.Sample runningTimer = LongTaskTimer.builder("menu.jobs.running")
                .description("menu jobs running in this worker").register(metrics).start();
        try {
            JobProgress progress = new JobProgress(job, jobs, days);
            PlannedMenu planned = planning.plan(job, progress);
            List<String> violations = validator.violations(job.request(), planned.plan().days());
            if (!violations.isEmpty()) {
                throw new IllegalStateException("planned menu breaks the request: " + violations);
            }
            // the stages reported since the model call, "saving", the menu and SUCCEEDED: one transaction
            // (Stopped, below, when the row moved on meanwhile: then nothing of it is written)
            MenuJobs.MenuToStore menu = MenuJobs.MenuToStore.of(job.request(), planned.plan(), planned.usage());
            progress.finishWith(Stage.SAVING, 95, () -> jobs.succeed(id, job.attempt(), menu));
            result = "succeeded";
            source = planned.plan().source();
            DashboardJobSource.recordPlannedSource(source);
            outcome(result, source);
            LOG.infof("job %s succeeded (attempt %d, %s)", id, job.attempt(), planned.plan().source());
        } catch (Stopped e) {
            result = stopped(job);
        } catch (UnsatisfiableRequestException e) {
            result = "failed";
            giveUp(job, UnsatisfiableRequestException.CODE, e.getMessage());
        } catch (ModelException.Rejected e) {
            result = "failed";
            giveUp(job, e.code(), e.getMessage());
        } catch (ModelException.Interrupted e) {
            if (cancelled(id)) {
                result = "cancelled";
                outcome(result, "none");
                LOG.infof("job %s was cancelled; its model call was interrupted", id);
                return;
            }
            result = "interrupted";
            throw e; // the worker is stopping: JobRunr re-queues the job
        } catch (RuntimeException e) {
            if (CatalogFallback.isModelFailure(e)) {
                // fallback is off: this attempt fails and JobRunr retries later
                jobs.recordError(id, job.attempt(), CatalogFallback.reason(e), e.getMessage());
                result = "retry";
                outcome(result, "none");
                throw e;
            }
            if (cancelled(id)) { // interrupted in a database call, say
                result = "cancelled";
                outcome(result, "none");
                LOG.infof("job %s was cancelled while attempt %d ran; stopped, no menu stored", id, job.attempt());
                return;
            }
            LOG.errorf(e, "job %s attempt %d failed", id, job.attempt());
            jobs.recordError(id, job.attempt(), "INTERNAL", "The menu could not be generated; it will be retried.");
            result = "retry";
            outcome(result, "none");
            throw e;
        } finally {
            runningTimer.stop();
            metrics.timer("menu.jobs.duration", "result", result, "source", source)
                    .record(java.time.Duration.ofNanos(System.nanoTime() - startNanos));
            org.jboss.logging.MDC.remove("jobId");
            org.jboss.logging.MDC.remove("userId");
        }
    }

    /** Fails the job without retries; it is counted as failed where it becomes FAILED (MenuJobStateSync). */
    private void giveUp(MenuJob job, String code, String message) {
        jobs.recordError(job.id(), job.attempt(), code, message);
        throw new JobRunrException(code + ": " + message, true);
    }

    /**
     * This attempt found its row no longer RUNNING in it: cancelled, or JobRunr gave the job to a later
     * attempt (or declared this one lost) meanwhile, which is not a cancellation. Either way it stops and
     * stores nothing. Returns the outcome.
     */
    private String stopped(MenuJob job) {
        Optional<MenuJob> now = rowNow(job.id());
        if (now.isEmpty() || now.get().status() == JobState.CANCELLED) {
            outcome("cancelled", "none");
            LOG.infof("job %s was cancelled while attempt %d ran; stopped, no menu stored", job.id(), job.attempt());
            return "cancelled";
        }
        outcome("superseded", "none");
        LOG.infof("job %s attempt %d stopped: the job moved on without it (now %s in attempt %d); no menu stored",
                job.id(), job.attempt(), now.get().status(), now.get().attempt());
        return "superseded";
    }

    /** The attempt JobRunr is making (its failures so far, plus one); empty outside a JobRunr worker. */
    private static OptionalInt attemptCountedByJobRunr() {
        return ThreadLocalJobContext.hasJobContext()
                ? OptionalInt.of(ThreadLocalJobContext.getJobContext().amountOfFailures() + 1)
                : OptionalInt.empty();
    }

    private boolean cancelled(UUID id) {
        return rowNow(id).map(j -> j.status() == JobState.CANCELLED).orElse(true);
    }

    /**
     * The row now, read with the thread's interrupt status set aside: on a virtual thread a pending
     * interrupt closes the socket of the next blocking read ("Closed by interrupt"), the database's too.
     */
    private Optional<MenuJob> rowNow(UUID id) {
        boolean interrupted = Thread.interrupted();
        try {
            return jobs.find(id);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void outcome(String outcome, String source) {
        metrics.counter("menu.jobs.outcome", "outcome", outcome, "source", source).increment();
    }
}
