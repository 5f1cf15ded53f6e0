package app.mealplanner.worker.llm;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import app.mealplanner.common.menu.Menu;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * The model path's Prometheus series, per provider ({@code primary} / {@code secondary}) and model:
 * call time by outcome, time to first token, output speed, tokens, errors by code, parameter
 * adjustments, failovers, days by who wrote them, repairs, whole-menu fallbacks, exchanges open and
 * each breaker's state.
 */
@ApplicationScoped
public class ModelMetrics {

    /** Why a call goes to the second provider ({@link Models#failoverReason}). */
    static final List<String> FAILOVER_REASONS = List.of("MODEL_CIRCUIT_OPEN", "MODEL_BUSY",
            "MODEL_UNAVAILABLE", "MODEL_TIMEOUT", "MODEL_STALLED", "MODEL_RATE_LIMITED", "MODEL_QUOTA");

    private final MeterRegistry registry;

    public ModelMetrics(MeterRegistry registry, CircuitBreakerMaintenance breakers) {
        this.registry = registry;
        // counters the alerts and the board read start at 0, so that rate() and increase() see their first event
        FAILOVER_REASONS.forEach(reason -> registry.counter("menu.model.failovers", "reason", reason));
        for (String source : new String[] {Menu.SOURCE_LLM, Menu.SOURCE_CATALOG}) {
            registry.counter("menu.model.days", "source", source);
        }
        for (String provider : new String[] {Provider.PRIMARY, Provider.SECONDARY}) {
            String name = provider.equals(Provider.PRIMARY) ? ModelClient.BREAKER : FallbackModelClient.BREAKER;
            // 0 closed, 1 half-open, 2 open
            registry.gauge("menu.model.breaker.state", io.micrometer.core.instrument.Tags.of("provider", provider),
                    breakers, b -> switch (b.currentState(name)) {
                        case CLOSED -> 0;
                        case HALF_OPEN -> 1;
                        case OPEN -> 2;
                    });
        }
    }

    void call(Provider p, String outcome, long nanos) {
        Timer.builder("menu.model.call").tags("outcome", outcome, "provider", p.role(), "model", p.model())
                .register(registry).record(Duration.ofNanos(nanos));
    }

    void firstToken(Provider p, long nanos) {
        Timer.builder("menu.model.first.token").tags("provider", p.role(), "model", p.model()).register(registry)
                .record(Duration.ofNanos(nanos));
    }

    void outputSpeed(Provider p, double tokensPerSecond) {
        DistributionSummary.builder("menu.model.output.tokens.per.second").tags("provider", p.role(), "model",
                p.model()).register(registry).record(tokensPerSecond);
    }

    void tokens(Provider p, Completion.Usage usage) {
        registry.counter("menu.model.tokens", "type", "prompt", "provider", p.role(), "model", p.model())
                .increment(usage.promptTokens());
        registry.counter("menu.model.tokens", "type", "completion", "provider", p.role(), "model", p.model())
                .increment(usage.completionTokens());
    }

    void error(Provider p, String code) {
        registry.counter("menu.model.errors", "code", code, "provider", p.role(), "model", p.model()).increment();
    }

    void adjustment(Provider p, String parameter) {
        registry.counter("menu.model.parameter.adjustments", "parameter", parameter, "provider", p.role(), "model",
                p.model()).increment();
    }

    void failover(String reason) {
        registry.counter("menu.model.failovers", "reason", reason).increment();
    }

    /** A finished day of a model menu, by who wrote it: {@code llm} or {@code catalog}. */
    public void day(String source) {
        registry.counter("menu.model.days", "source", source).increment();
    }

    /** A repair round, of the {@code outline} or a {@code day}. */
    public void repair(String part) {
        registry.counter("menu.model.repairs", "part", part).increment();
    }

    /** A whole menu planned from the catalog because the model could not write it. */
    public void fallback(String reason) {
        registry.counter("menu.model.fallbacks", "reason", reason).increment();
    }

    void exchangesOpen(java.util.concurrent.atomic.AtomicInteger open) {
        registry.gauge("menu.model.exchanges.open", open);
    }
}
