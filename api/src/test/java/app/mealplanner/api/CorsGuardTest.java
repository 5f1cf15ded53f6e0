package app.mealplanner.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class CorsGuardTest {

    @Test
    void shouldRefuseAWildcardOrigin() {
        assertThatThrownBy(() -> app.mealplanner.api.config.CorsGuard.check(List.of("http://localhost:3000", "*")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'*'");
    }

    @Test
    void shouldRefuseOriginsWithPathsOrPatterns() {
        assertThatThrownBy(() -> app.mealplanner.api.config.CorsGuard.check(List.of("https://*.example.com")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> app.mealplanner.api.config.CorsGuard.check(List.of("https://a.example/app")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldAcceptExactOrigins() {
        assertThatCode(() -> app.mealplanner.api.config.CorsGuard.check(
                List.of("https://app.example.com", "http://localhost:5173"))).doesNotThrowAnyException();
    }
}
