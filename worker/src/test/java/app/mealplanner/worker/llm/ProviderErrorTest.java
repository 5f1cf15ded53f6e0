package app.mealplanner.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Providers' error bodies (as they send them) and what each means for retries, failover and the job. */
class ProviderErrorTest {

    private static final Provider OPENAI = new Provider(Provider.PRIMARY, "https://api.openai.com/v1", "gpt-4o-mini",
            "sk-proj-abcdefghijklmnop", ApiStyle.OPENAI, "gpt-4o-mini", "2024-10-21");

    @Test
    void shouldKeepTheProvidersMessageButNeverTheKey() {
        ModelException e = classify(401, """
                {"error":{"message":"Incorrect API key provided: sk-proj-abcdefghijklmnop. You can find your API key at \
                https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,\
                "code":"invalid_api_key"}}""");
        assertThat(e).isInstanceOf(ModelException.Rejected.class);
        assertThat(e.code()).isEqualTo("MODEL_AUTH");
        assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain("abcdefghijklmnop");
    }

    @Test
    void shouldReadVllmsTopLevelErrorAsAContextLimit() {
        ModelException e = classify(400, """
                {"object":"error","message":"This model's maximum context length is 6048 tokens. However, you requested \
                6616 tokens (568 in the messages, 6048 in the completion). Please reduce the length of the messages or \
                completion.","type":"BadRequestError","param":null,"code":400}""");
        assertThat(e).isInstanceOf(ModelException.TooLong.class);
        assertThat(e.code()).isEqualTo("MODEL_CONTEXT_LENGTH");
    }

    @Test
    void shouldReadOpenAisContextLengthCode() {
        assertThat(classify(400, """
                {"error":{"message":"too long","type":"invalid_request_error","param":"messages",\
                "code":"context_length_exceeded"}}""")).isInstanceOf(ModelException.TooLong.class);
    }

    @Test
    void shouldTreatAzuresPromptFilterAsABadAnswer() {
        ModelException e = classify(400, """
                {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content \
                management policy.","type":null,"param":"prompt","code":"content_filter","status":400}}""");
        assertThat(e).isInstanceOf(ModelException.BadAnswer.class);
        assertThat(e.code()).isEqualTo("MODEL_CONTENT_FILTER");
    }

    @Test
    void shouldTellQuotaFromRateLimit() {
        assertThat(classify(429, """
                {"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,\
                "code":"insufficient_quota"}}""").code()).isEqualTo("MODEL_QUOTA");
        ModelException limited = classify(429, """
                {"error":{"message":"Rate limit reached","type":"tokens","param":null,"code":"rate_limit_exceeded"}}""");
        assertThat(limited).isInstanceOf(ModelException.Unavailable.class);
        assertThat(limited.code()).isEqualTo("MODEL_RATE_LIMITED");
    }

    @Test
    void shouldReadLmStudiosStringErrorAndPlainTextBodies() {
        ProviderError lmStudio = ProviderError.parse(400, "{\"error\":\"'response_format.type' must be 'json_schema' or 'text'\"}");
        assertThat(lmStudio.message()).startsWith("'response_format.type'");
        ProviderError html = ProviderError.parse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        assertThat(html.message()).isEqualTo("502 Bad Gateway");
        assertThat(html.classify(OPENAI, h -> null, Instant.now())).isInstanceOf(ModelException.Unavailable.class);
    }

    @Test
    void shouldCarryTheWaitOfARateLimit() {
        ModelException.Unavailable e = (ModelException.Unavailable) ProviderError.parse(429, "{}")
                .classify(OPENAI, h -> h.equals("retry-after-ms") ? "1500" : null, Instant.now());
        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    private static ModelException classify(int status, String body) {
        return ProviderError.parse(status, body).classify(OPENAI, h -> null, Instant.now());
    }
}
