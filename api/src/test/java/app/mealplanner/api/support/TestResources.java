package app.mealplanner.api.support;

import app.mealplanner.common.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/** Every api test runs against a real embedded PostgreSQL and its own token keys. */
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtKeysTestResource.class)
public class TestResources {
}
