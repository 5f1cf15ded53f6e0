package app.mealplanner.worker.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import app.mealplanner.common.menu.Menu;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fake OpenAI-compatible server (WireMock on a free port): the only thing outside the system that
 * the worker's tests replace.
 */
public class FakeModel implements QuarkusTestResourceLifecycleManager {

    public static final String MODEL = "fake-model-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WireMockServer server;

    public static synchronized WireMockServer server() {
        if (server == null) {
            server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(120)
                    .jettyAcceptors(2).asynchronousResponseEnabled(true).asynchronousResponseThreads(60));
            server.start();
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.rest-client.openai.url", server().baseUrl() + "/v1",
                "menu.model.api-key", "sk-test-not-a-real-key");
    }

    @Override
    public void stop() {
        // shared by the test classes of this JVM
    }

    /** A chat completion whose answer is the given days (totals and shopping list left out, as the schema says). */
    public static String completion(List<Menu.Day> days) {
        List<Map<String, Object>> answerDays = days.stream().map(d -> Map.<String, Object>of("day", d.day(),
                "meals", d.meals())).toList();
        try {
            return completionWithContent(JSON.writeValueAsString(Map.of("days", answerDays, "warnings", List.of())),
                    "stop");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String completionWithContent(String content, String finishReason) {
        try {
            return JSON.writeValueAsString(Map.of("id", "chatcmpl-test", "object", "chat.completion", "model", MODEL,
                    "choices", List.of(Map.of("index", 0, "finish_reason", finishReason,
                            "message", Map.of("role", "assistant", "content", content))),
                    "usage", Map.of("prompt_tokens", 1200, "completion_tokens", 3400, "total_tokens", 4600)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String refusal() {
        return "{\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
                + "{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"}}]}";
    }

    public static String error(String code, String type) {
        return "{\"error\":{\"message\":\"test error\",\"type\":\"" + type + "\",\"code\":\"" + code + "\"}}";
    }
}
