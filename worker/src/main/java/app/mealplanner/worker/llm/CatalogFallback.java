package app.mealplanner.worker.llm;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.job.PlannedMenu;
import app.mealplanner.worker.planner.CatalogPlanner;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * When the model cannot deliver a valid menu: a catalog menu marked {@code source: catalog} with a
 * warning ({@code menu.model.fallback=catalog}, the default), or the failure as is, so that JobRunr
 * retries the job later ({@code menu.model.fallback=none}).
 */
@ApplicationScoped
public class CatalogFallback implements FallbackHandler<PlannedMenu> {

    private static final Logger LOG = Logger.getLogger(CatalogFallback.class);

    private final CatalogPlanner planner;
    private final ModelConfig config;
    private final MeterRegistry metrics;

    public CatalogFallback(CatalogPlanner planner, ModelConfig config, MeterRegistry metrics) {
        this.planner = planner;
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public PlannedMenu handle(ExecutionContext context) {
        Throwable failure = context.getFailure();
        if (!config.fallbackToCatalog()) {
            throw failure instanceof RuntimeException e ? e : new IllegalStateException(failure);
        }
        String reason = reason(failure);
        LOG.warnf("model unavailable for this job (%s: %s); planning from the catalog", reason,
                failure.getClass().getSimpleName());
        metrics.counter("menu.model.fallbacks", "reason", reason).increment();
        MenuRequest request = (MenuRequest) context.getParameters()[0];
        long seed = (Long) context.getParameters()[1];
        Menu.Plan plan = planner.plan(request, seed);
        List<String> warnings = new ArrayList<>(plan.warnings());
        warnings.add(0, "The language model could not produce this menu (" + reason
                + "), so it comes from the built-in recipe catalog.");
        return new PlannedMenu(new Menu.Plan(plan.source(), null, plan.days(), plan.shoppingList(),
                List.copyOf(warnings)), Menus.Usage.NONE);
    }

    static String reason(Throwable failure) {
        if (failure instanceof ModelException m) {
            return m.code();
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return "MODEL_CIRCUIT_OPEN";
        }
        if (failure instanceof TimeoutException) {
            return "MODEL_TIMEOUT";
        }
        if (failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException) {
            return "MODEL_BUSY";
        }
        return "MODEL_ERROR";
    }
}
