package app.mealplanner.worker.llm;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.worker.job.PlannedMenu;
import app.mealplanner.worker.planner.CatalogPlanner;

/**
 * When the model cannot write a menu (no usable outline): a catalog menu marked {@code source: catalog}
 * with a warning ({@code menu.model.fallback=catalog}, the default), or the failure as it is, so that
 * JobRunr retries the job later ({@code menu.model.fallback=none}). Called explicitly, for model failures
 * only: a database error or a cancellation never becomes a catalog menu.
 */
@ApplicationScoped
public class CatalogFallback {

    private static final Logger LOG = Logger.getLogger(CatalogFallback.class);

    private final CatalogPlanner planner;
    private final ModelConfig config;
    private final ModelMetrics metrics;

    public CatalogFallback(CatalogPlanner planner, ModelConfig config, ModelMetrics metrics) {
        this.planner = planner;
        this.config = config;
        this.metrics = metrics;
    }

    /** Whether {@code failure} is the model's (and so may be answered from the catalog). */
    public static boolean isModelFailure(Throwable failure) {
        return failure instanceof ModelException && !(failure instanceof ModelException.Interrupted)
                || failure instanceof CircuitBreakerOpenException || failure instanceof BulkheadException;
    }

    /** The catalog menu that replaces the model's, or {@code failure} rethrown when fallback is off. */
    public PlannedMenu menu(MenuRequest request, long seed, RuntimeException failure) {
        if (!config.fallbackToCatalog()) {
            throw failure;
        }
        String reason = reason(failure);
        LOG.warnf("the model could not write this menu (%s: %s); planning it from the catalog", reason,
                failure.getMessage());
        metrics.fallback(reason);
        Menu.Plan plan = planner.plan(request, seed);
        List<String> warnings = new ArrayList<>(plan.warnings());
        warnings.add(0, "The language model could not produce this menu (" + reason
                + "), so it comes from the built-in recipe catalog.");
        return new PlannedMenu(new Menu.Plan(plan.source(), null, plan.days(), plan.shoppingList(),
                List.copyOf(warnings)), Menus.Usage.NONE);
    }

    public static String reason(Throwable failure) {
        if (failure instanceof ModelException m) {
            return m.code();
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return "MODEL_CIRCUIT_OPEN";
        }
        if (failure instanceof BulkheadException) {
            return "MODEL_BUSY";
        }
        return "MODEL_ERROR";
    }
}
