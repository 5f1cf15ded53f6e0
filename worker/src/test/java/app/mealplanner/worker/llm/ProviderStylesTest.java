package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.worker.support.FakeModelProfile;
import app.mealplanner.worker.support.FakeModels;
import app.mealplanner.worker.support.OfficialRequestShape;
import app.mealplanner.worker.testing.FakeFault;
import app.mealplanner.worker.testing.FakeModelServer;
import io.opentelemetry.context.Context;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * One streamed exchange per provider style, over real HTTP to the fake provider acting as that provider:
 * what is sent (path, key header, fields) and how each kind of answer is taken.
 */
@QuarkusTest
@TestProfile(FakeModelProfile.class)
class ProviderStylesTest {

    private static final MenuRequest REQUEST = new MenuRequest(1, List.of(app.mealplanner.common.menu.MealType.LUNCH),
            app.mealplanner.common.menu.Diet.VEGAN, List.of(), List.of(), null, 2, List.of(), null, null);
    private static FakeModelServer azure;

    @Inject
    ChatStreams streams;
    @Inject
    ParameterRules rules;

    FakeModelServer model = FakeModels.primary();

    @BeforeEach
    void reset() {
        model.reset();
        rules.reset();
    }

    @AfterAll
    static void stopAzure() {
        if (azure != null) {
            azure.close();
        }
    }

    @Test
    void shouldSpeakAzure() throws Exception {
        azure = FakeModelServer.builder().azure("menus-prod").start();
        Provider provider = new Provider(Provider.PRIMARY, azure.baseUrl(), "gpt-4o", FakeModelServer.AZURE_KEY,
                ApiStyle.AZURE, "menus-prod", "2024-10-21");
        Completion answer = send(provider);
        assertThat(answer.content()).contains("\"days\"");
        FakeModelServer.Received request = azure.requests().get(0);
        assertThat(request.path()).isEqualTo("/openai/deployments/menus-prod/chat/completions?api-version=2024-10-21");
        assertThat(request.headers()).containsEntry("api-key", FakeModelServer.AZURE_KEY).doesNotContainKey("authorization");
        assertThat(request.body().has("max_completion_tokens")).isTrue();
        assertThat(OfficialRequestShape.violations(request.body())).isEmpty();

        azure.on(FakeModelServer.anyCall(), new FakeFault.RateLimited(FakeFault.RetryHeaders.AZURE_MS,
                Duration.ofMillis(1250)), 1);
        Throwable limited = catchThrowable(() -> send(provider));
        assertThat(limited).isInstanceOf(ModelException.Unavailable.class);
        assertThat(((ModelException.Unavailable) limited).retryAfter()).isEqualTo(Duration.ofMillis(1250));

        azure.on(FakeModelServer.anyCall(), new FakeFault.AzurePromptFilter(), 1);
        Throwable filtered = catchThrowable(() -> send(provider));
        assertThat(filtered).isInstanceOf(ModelException.BadAnswer.class);
        assertThat(((ModelException) filtered).code()).isEqualTo("MODEL_CONTENT_FILTER");
        assertThat(filtered.getMessage()).contains("content management policy");
    }

    @Test
    void shouldSendOpenAiReasoningModelsTheirOwnFields() throws Exception {
        model.reasoning(true);
        Provider o3 = new Provider(Provider.PRIMARY, model.baseUrl(), "o3-mini", FakeModels.KEY, ApiStyle.OPENAI,
                "o3-mini", "");
        send(o3);
        JsonNode body = model.requests().get(0).body();
        assertThat(model.requests()).hasSize(1); // known by its name: no refusal at all
        assertThat(body.has("max_completion_tokens")).isTrue();
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.has("temperature")).isFalse();
        assertThat(OfficialRequestShape.violations(body)).isEmpty();

        Provider gpt4o = new Provider(Provider.PRIMARY, model.baseUrl(), "gpt-4o-mini", FakeModels.KEY,
                ApiStyle.OPENAI, "gpt-4o-mini", "");
        model.reset();
        send(gpt4o);
        body = model.requests().get(0).body();
        assertThat(body.at("/temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.has("max_completion_tokens")).isTrue();
    }

    @Test
    void shouldMoveTheSchemaIntoThePromptForAServerWithoutStructuredOutput() throws Exception {
        // like LM Studio: json_schema is fine, json_object is refused; an older model refuses json_schema
        model.withoutJsonSchema(false);
        Provider old = provider("old-model");
        send(old);
        model.reset();
        model.withoutJsonSchema(true);
        Provider lmStudio = provider("old-model");
        send(lmStudio);
        // shapes learned for "old-model": json_schema refused once before; json_object refused now: no format at all
        assertThat(model.requests()).extracting(r -> r.body().at("/response_format/type").asText())
                .containsExactly("json_object", "");
        assertThat(model.requests().get(1).body().at("/messages/0/content").asText()).contains("JSON Schema");
    }

    @Test
    void shouldTakeAnAnswerThatIsNotStreamedAndRejectAPage() throws Exception {
        model.on(FakeModelServer.anyCall(), new FakeFault.HtmlPage(), 1);
        Throwable page = catchThrowable(() -> send(provider("gpt-4o-mini")));
        assertThat(page).isInstanceOf(ModelException.BadAnswer.class);
        assertThat(((ModelException) page).code()).isEqualTo("MODEL_NOT_CHAT");
        assertThat(page.getMessage()).contains("text/html").contains("Sign in to continue");
    }

    @Test
    void shouldGiveUpOnAModelThatDoesNotStartAnswering() throws Exception {
        model.firstToken(Duration.ofSeconds(8)); // the limit is 5 s in this profile
        try {
            Throwable slow = catchThrowable(() -> send(provider("gpt-4o-mini")));
            assertThat(slow).isInstanceOf(ModelException.Unavailable.class);
            assertThat(((ModelException) slow).code()).isEqualTo("MODEL_TIMEOUT");
        } finally {
            model.firstToken(Duration.ofMillis(400));
        }
    }

    private Provider provider(String name) {
        return new Provider(Provider.PRIMARY, model.baseUrl(), name, FakeModels.KEY, ApiStyle.COMPATIBLE, name, "");
    }

    private Completion send(Provider provider) throws Exception {
        ModelCall call = new ModelCall("outline", "menu_outline", MenuPrompt.outlineSchema(),
                MenuPrompt.outline(REQUEST, List.of(1), List.of()), MenuPrompt.outlineTokens(1), new CallScope(),
                ModelCall.Listener.NONE, Context.root());
        try {
            return streams.send(provider, call).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) Models.unwrap(e);
        }
    }
}
