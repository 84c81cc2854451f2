package dev.capkit.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code GET /v1/models} ({@link ControlRequest}: same TLS, proxy and headers as the load),
 * turned into a {@link ProbeResult} whose message a person can act on. Also keeps what the answer
 * says about who serves: the listed model's {@code owned_by} (vLLM answers {@code vllm}, SGLang
 * {@code sglang}, llama.cpp {@code llamacpp}), the {@code Server} header and the TLS session.
 */
final class ModelsProbe {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChatEndpoint endpoint;
  private final String target;

  ModelsProbe(ChatEndpoint endpoint) {
    this.endpoint = endpoint;
    this.target = endpoint.origin();
  }

  CompletableFuture<ProbeResult> run(CompletableFuture<ControlAnswer> answer) {
    return answer.thenApply(a -> a.answered()
        ? interpret(a.status(), a.reason(), a.body()).with(a.header("server"), a.tls())
        : new ProbeResult(0, a.problem(), null));
  }

  /** Pure interpretation of the answer; package-private for tests. */
  ProbeResult interpret(int status, String reason, String body) {
    if (status == 401 || status == 403) {
      return new ProbeResult(status, "target " + target + " answered " + status + " " + reason
          + ": check CAPKIT_API_KEY (or -Dcapkit.apiKeyFile) and the auth header form (now "
          + endpoint.options().auth().form() + ")", null);
    }
    if (status != 200) {
      return new ProbeResult(status, "target " + target + " answered " + status + " " + reason
          + " to GET " + endpoint.pathPrefix() + "/v1/models: is it an OpenAI-compatible server"
          + (endpoint.pathPrefix().isEmpty() ? " (behind a gateway, give its base path: https://host/base)" : "") + "?", null);
    }
    List<String> models = new ArrayList<>();
    String ownedBy = null;
    try {
      JsonNode data = JSON.readTree(body).path("data");
      for (JsonNode model : data) {
        String id = model.path("id").asText("");
        if (!id.isEmpty()) {
          models.add(id);
          if (id.equals(endpoint.model()) || ownedBy == null) {
            ownedBy = model.path("owned_by").isTextual() ? model.path("owned_by").asText() : ownedBy;
          }
        }
      }
    } catch (Exception e) {
      return new ProbeResult(status, "target " + target + " answered GET /v1/models with a body that is not JSON: "
          + e.getMessage(), null);
    }
    if (!models.isEmpty() && !models.contains(endpoint.model())) {
      return new ProbeResult(status, "target " + target + " does not serve model '" + endpoint.model()
          + "'; it serves " + models + " (set capkit.model)", models);
    }
    return new ProbeResult(status, "", models, ownedBy, null, null);
  }
}
