package app.mealplanner.worker.llm;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/** The configured model APIs: the first, and the optional second tried when the first is unavailable. */
@ApplicationScoped
public class Providers {

    private final Provider primary;
    private final Optional<Provider> secondary;

    public Providers(ModelConfig config) {
        String key = config.apiKey().orElse("");
        primary = new Provider(Provider.PRIMARY, config.baseUrl(), config.name(), key,
                ApiStyle.of(config.apiStyle().orElse(null), config.baseUrl()),
                config.azureDeployment().orElse(config.name()), config.azureApiVersion());
        ModelConfig.Secondary second = config.secondary();
        secondary = second.baseUrl().filter(url -> !url.isBlank()).map(url -> {
            String model = second.name().orElse(config.name());
            return new Provider(Provider.SECONDARY, url, model, second.apiKey().orElse(key),
                    ApiStyle.of(second.apiStyle().orElse(null), url), second.azureDeployment().orElse(model),
                    config.azureApiVersion());
        });
    }

    public Provider primary() {
        return primary;
    }

    public Optional<Provider> secondary() {
        return secondary;
    }
}
