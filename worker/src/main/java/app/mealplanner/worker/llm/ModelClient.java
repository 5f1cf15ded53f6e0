package app.mealplanner.worker.llm;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CustomBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;

/**
 * One call to the first provider under fault tolerance, and nothing else under it (no database, no
 * planning): retried only when a retry can help and after the wait the provider asked for, behind the
 * circuit breaker {@code model}, within a bulkhead that bounds the calls in flight per worker and queues
 * the rest. It returns at once; the answer streams in on the event loop. The time limits are the
 * stream's own ({@link ChatStreams}). Every value is in application.properties.
 */
@ApplicationScoped
public class ModelClient {

    static final String BREAKER = "model";

    private final ChatStreams streams;
    private final Providers providers;

    public ModelClient(ChatStreams streams, Providers providers) {
        this.streams = streams;
        this.providers = providers;
    }

    @Retry(maxRetries = 3, delay = 1000, maxDuration = 600_000)
    @RetryWhen(exception = WorthRetrying.class)
    @CustomBackoff(RetryAfterBackoff.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30_000, successThreshold = 2,
            skipOn = { ModelException.Rejected.class, ModelException.Interrupted.class, ModelException.BadAnswer.class })
    @CircuitBreakerName(BREAKER)
    @Bulkhead(value = 256, waitingTaskQueue = 10000)
    public CompletionStage<Completion> complete(ModelCall call) {
        return streams.send(providers.primary(), call);
    }
}
