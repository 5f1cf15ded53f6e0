package app.mealplanner.worker.support;

import app.mealplanner.common.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/** Every worker test runs against a real embedded PostgreSQL. */
@QuarkusTestResource(PostgresTestResource.class)
public class TestResources {
}
