package app.mealplanner.worker.planner;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The catalog is loaded once per process and shared; everything built on it is immutable. */
public class PlannerBeans {

    @Produces
    @Singleton
    Catalog catalog() {
        return Catalog.load();
    }

    @Produces
    @Singleton
    CatalogPlanner catalogPlanner(Catalog catalog) {
        return new CatalogPlanner(catalog);
    }

    @Produces
    @Singleton
    MenuValidator menuValidator(Catalog catalog) {
        return new MenuValidator(catalog.facts());
    }
}
