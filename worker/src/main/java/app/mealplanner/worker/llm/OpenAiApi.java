package app.mealplanner.worker.llm;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The OpenAI-compatible chat completions endpoint ({@code OPENAI_BASE_URL}/chat/completions): OpenAI,
 * Ollama, vLLM, LM Studio or a gateway. Returns the raw response: {@link ModelClient} reads status codes
 * and rate-limit headers itself to decide what a retry can fix.
 */
@RegisterRestClient(configKey = "openai")
@Path("/chat/completions")
public interface OpenAiApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response complete(@HeaderParam("Authorization") String authorization, ChatRequest request);
}
