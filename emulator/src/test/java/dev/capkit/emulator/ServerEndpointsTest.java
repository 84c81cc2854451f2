package dev.capkit.emulator;

import dev.capkit.twin.Profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /health during and after loading, /metrics names, malformed JSON, the broken-stream fault hook. */
class ServerEndpointsTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static HttpResponse<String> get(EmbeddedEmulator emu, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(emu.baseUri() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(EmbeddedEmulator emu, String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(emu.baseUri() + "/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIs503WhileLoadingThen200() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withLoading(Duration.ofMillis(400)))) {
      HttpResponse<String> loading = get(emu, "/health");
      assertEquals(503, loading.statusCode());
      assertTrue(loading.headers().firstValue("retry-after").isPresent());
      Thread.sleep(450);
      assertEquals(200, get(emu, "/health").statusCode());
    }
  }

  @Test
  void modelsAnswerSaysItIsTheEmulatorSoRunsByUrlAreRecordedAsEmulated() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults())) {
      HttpResponse<String> models = get(emu, "/v1/models");
      assertEquals(200, models.statusCode());
      assertEquals("capkit-emulator", models.headers().firstValue("server").orElse(""));
    }
  }

  @Test
  void metricsUseVllmNamesAndCount() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withProfile(Profile.INSTANT))) {
      HttpResponse<String> r = post(emu, "{\"model\":\"autoglm-phone-9b\",\"max_tokens\":7,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("\"completion_tokens\":7"), r.body());
      String metrics = get(emu, "/metrics").body();
      for (String name : new String[] {"vllm:num_requests_running{", "vllm:num_requests_waiting{", "vllm:kv_cache_usage_perc{",
          "vllm:time_to_first_token_seconds_bucket{", "vllm:e2e_request_latency_seconds_count{",
          "vllm:prompt_tokens_total{", "process_cpu_seconds_total ", "process_resident_memory_bytes "}) {
        assertTrue(metrics.contains(name), "missing " + name);
      }
      assertTrue(metrics.contains("vllm:generation_tokens_total{model_name=\"autoglm-phone-9b\"} 7"), metrics);
      assertTrue(metrics.contains("vllm:e2e_request_latency_seconds_count{model_name=\"autoglm-phone-9b\"} 1"));
    }
  }

  private static String answer(EmbeddedEmulator emu, String requestId, String planKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emu.baseUri() + "/v1/chat/completions"))
        .header("X-Request-Id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"autoglm-phone-9b\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"));
    if (planKey != null) {
      b.header("X-Capkit-Plan-Key", planKey);
    }
    String body = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    int from = body.indexOf("\"content\":");
    return body.substring(from, body.indexOf("\"usage\"", from));
  }

  @Test
  void planKeySeedsTheAnswerSoRunsOfOnePlanArePaired() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withProfile(Profile.INSTANT))) {
      // Without a plan key the request id seeds the answer; with one, the request id does not matter.
      assertFalse(answer(emu, "run1-a", null).equals(answer(emu, "run2-a", null))
          && answer(emu, "run1-b", null).equals(answer(emu, "run2-b", null)), "request ids seed answers");
      for (String key : new String[] {"s42-a0", "s42-a1", "s42-a2"}) {
        assertEquals(answer(emu, "run1-" + key, key), answer(emu, "run2-" + key, key), key);
      }
      assertFalse(answer(emu, "x", "s42-a0").equals(answer(emu, "x", "s42-a1"))
          && answer(emu, "x", "s42-a1").equals(answer(emu, "x", "s42-a2")), "plan keys seed different answers");
    }
  }

  @Test
  void ignoreEosRunsEveryAnswerToMaxTokensAsVllmDoes() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withProfile(Profile.INSTANT))) {
      int natural = 0;
      for (int i = 0; i < 8; i++) {
        String chat = "{\"model\":\"autoglm-phone-9b\",\"max_tokens\":400,%s"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello " + i + "\"}]}";
        HttpResponse<String> exact = post(emu, chat.formatted("\"ignore_eos\":true,"));
        assertTrue(exact.body().contains("\"completion_tokens\":400") && exact.body().contains("\"finish_reason\":\"length\""),
            exact.body());
        // without it the answer ends by itself (chat answers: log-normal, median ~120 tokens)
        natural += post(emu, chat.formatted("\"ignore_eos\":false,")).body().contains("\"finish_reason\":\"stop\"") ? 1 : 0;
      }
      assertTrue(natural >= 5, natural + " of 8 answers without ignore_eos ended by themselves");
      HttpResponse<String> bad = post(emu, "{\"model\":\"autoglm-phone-9b\",\"ignore_eos\":\"yes\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().contains("'ignore_eos' must be a boolean") && bad.body().contains("\"param\":\"ignore_eos\""), bad.body());
    }
  }

  @Test
  void malformedJsonIs400() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults())) {
      HttpResponse<String> r = post(emu, "{\"model\": \"autoglm-phone-9b\", \"messages\": [");
      assertEquals(400, r.statusCode());
      assertTrue(r.body().startsWith("{\"error\":{\"message\":\"JSON decode error"), r.body());
      assertTrue(r.body().contains("\"code\":400"));
      assertEquals(404, get(emu, "/v2/nothing").statusCode());
    }
  }

  @Test
  void faultHookBreaksStreamsMidway() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(
        EmulatorOptions.defaults().withProfile(Profile.INSTANT).withBrokenStreamFraction(1.0))) {
      String body = "{\"model\":\"autoglm-phone-9b\",\"stream\":true,\"max_tokens\":40,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
      boolean broken;
      try {
        HttpResponse<String> r = post(emu, body);
        broken = !r.body().contains("[DONE]");
      } catch (IOException e) {
        broken = true; // the JDK client reports the truncated chunked body as an IOException
      }
      assertTrue(broken, "stream was cut before [DONE]");
      // non-streamed requests are never broken
      HttpResponse<String> plain = post(emu, body.replace("\"stream\":true", "\"stream\":false"));
      assertEquals(200, plain.statusCode());
      assertFalse(plain.body().isEmpty());
    }
  }
}
