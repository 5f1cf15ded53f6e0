package app.mealplanner.worker.llm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * Where a model call goes: to the first provider, and, when it is unavailable (its breaker open, time
 * limits or 5xx after the retries, a rate limit longer than we wait, its quota used up) and a second
 * provider is configured, to the second before anyone falls back to the catalog. Answers record which
 * model wrote them.
 */
@ApplicationScoped
public class Models {

    private static final Logger LOG = Logger.getLogger(Models.class);

    private final ModelClient primary;
    private final FallbackModelClient secondary;
    private final Providers providers;
    private final ModelMetrics metrics;

    public Models(ModelClient primary, FallbackModelClient secondary, Providers providers, ModelMetrics metrics) {
        this.primary = primary;
        this.secondary = secondary;
        this.providers = providers;
        this.metrics = metrics;
    }

    public CompletionStage<Completion> complete(ModelCall call) {
        return guarded(() -> primary.complete(call)).exceptionallyCompose(failure -> {
            Throwable cause = unwrap(failure);
            String reason = failoverReason(cause);
            if (reason == null || providers.secondary().isEmpty() || call.scope().cancelled()) {
                return CompletableFuture.failedFuture(cause);
            }
            metrics.failover(reason);
            LOG.infof("%s call: the first provider is unavailable (%s); asking %s", call.purpose(), reason,
                    providers.secondary().get());
            return guarded(() -> secondary.complete(call)).exceptionallyCompose(second -> {
                Throwable secondCause = unwrap(second);
                secondCause.addSuppressed(cause);
                return CompletableFuture.failedFuture(secondCause);
            });
        });
    }

    /** Why the first provider counts as unavailable, or null when its failure is one the second would share. */
    static String failoverReason(Throwable cause) {
        if (cause instanceof CircuitBreakerOpenException) {
            return "MODEL_CIRCUIT_OPEN";
        }
        if (cause instanceof BulkheadException) {
            return "MODEL_BUSY";
        }
        if (cause instanceof ModelException.Unavailable u) {
            return u.code();
        }
        if (cause instanceof ModelException.Rejected r && r.code().equals("MODEL_QUOTA")) {
            return r.code();
        }
        return null;
    }

    /** A guarded method may also throw instead of returning a failed stage. */
    private static CompletionStage<Completion> guarded(java.util.function.Supplier<CompletionStage<Completion>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
