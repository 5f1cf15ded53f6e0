package app.mealplanner.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.Concurrently;
import app.mealplanner.api.support.ThreeActiveJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ThreeActiveJobs.class)
class ThreeActiveJobsTest {

    @Test
    void shouldAcceptExactlyThreeOfFiftyConcurrentRequestsWhenTheLimitIsThree() throws Exception {
        String token = Api.newUserToken();
        List<Integer> statuses = Concurrently.run(50, () -> PerUserLimitsTest.post(token).statusCode());
        assertThat(statuses.stream().filter(s -> s == 202)).hasSize(3);
        assertThat(statuses.stream().filter(s -> s == 409)).hasSize(47);
    }
}
