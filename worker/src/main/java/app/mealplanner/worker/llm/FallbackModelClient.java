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
 * One call to the second provider ({@code OPENAI_FALLBACK_*}), with the same policies as
 * {@link ModelClient} but its own breaker ({@code model-fallback}) and bulkhead, so that one provider's
 * trouble never blocks the other.
 */
@ApplicationScoped
public class FallbackModelClient {

    static final String BREAKER = "model-fallback";

    private final ChatStreams streams;
    private final Providers providers;

    public FallbackModelClient(ChatStreams streams, Providers providers) {
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
        return streams.send(providers.secondary().orElseThrow(), call);
    }
}
