package dev.capkit.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatEndpoint;
import dev.capkit.loadgen.ChatRequest;
import dev.capkit.loadgen.TextChatRequests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The llama.cpp engine end to end: a model this test generates, served by llama.cpp through the
 * HTTP front, driven by capkit's own client and by the official OpenAI Java SDK. Token counts are
 * checked exactly: every completion has max_tokens tokens (the generated model cannot end early)
 * and prompt_tokens is what llama.cpp's tokenizer ({@code /tokenize}) counts in the templated prompt.
 */
class LlamaCppEngineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path dir;
  private static EngineFixture fx;
  private static ChatClient client;

  @BeforeAll
  static void start() throws Exception {
    fx = new EngineFixture(dir);
    client = new ChatClient(new ChatEndpoint(fx.base, EngineFixture.MODEL, null, ClientTimeouts.DEFAULTS), 1);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  /** llama.cpp's token count of the ChatML prompt for one user message. */
  private static int promptTokens(String userText) throws Exception {
    String templated = "<|im_start|>user\n" + userText + "<|im_end|>\n<|im_start|>assistant\n";
    String body = JSON.createObjectNode().put("content", templated).toString();
    return JSON.readTree(fx.post("/tokenize", body).body()).get("tokens").size();
  }

  private static String userText(ChatRequest request) throws Exception {
    return JSON.readTree(new String(request.body(), StandardCharsets.UTF_8)).at("/messages/0/content").asText();
  }

  @Test
  void streamedThroughCapkitsClientCountsExactly() throws Exception {
    ChatRequest request = new TextChatRequests("text-chat", EngineFixture.MODEL, true, false).request(60, 24, 1);
    RequestRecord r = client.send(request, 0L).get(120, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, r.outcome(), r.error());
    assertEquals(24, r.completionTokens());
    assertEquals(promptTokens(userText(request)), r.promptTokens());
    assertTrue(r.ttftNanos() > 0 && r.e2eNanos() >= r.ttftNanos());
    assertEquals(23, r.itlNanos().length, "one content chunk per token: 24 chunks, 23 gaps");
  }

  @Test
  void notStreamedThroughCapkitsClientCountsExactly() throws Exception {
    ChatRequest request = new TextChatRequests("text-chat", EngineFixture.MODEL, false, false).request(30, 9, 2);
    RequestRecord r = client.send(request, 0L).get(120, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, r.outcome(), r.error());
    assertEquals(9, r.completionTokens());
    assertEquals(promptTokens(userText(request)), r.promptTokens());
  }

  @Test
  void openAiSdkStreamsWordsWithUsage() throws Exception {
    OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(fx.base + "/v1").apiKey("unused").maxRetries(0).build();
    var params = ChatCompletionCreateParams.builder().model(EngineFixture.MODEL)
        .addSystemMessage("You are a capacity planner.").addUserMessage("How many replicas for 30 QPS?")
        .maxCompletionTokens(16L).temperature(2.0).frequencyPenalty(-2.0)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunks::add);
    }
    assertEquals("assistant", chunks.get(0).choices().get(0).delta().role().orElseThrow().asString());
    List<String> pieces = chunks.stream().filter(c -> !c.choices().isEmpty())
        .map(c -> c.choices().get(0).delta().content().orElse("")).filter(s -> !s.isEmpty()).toList();
    assertEquals(16, pieces.size(), "one content chunk per token");
    assertTrue(pieces.stream().allMatch(p -> p.matches(" [A-Za-z]+")), "word tokens only: " + pieces);
    var usage = chunks.get(chunks.size() - 1).usage().orElseThrow();
    assertEquals(16, usage.completionTokens());
    String templated = "<|im_start|>system\nYou are a capacity planner.<|im_end|>\n<|im_start|>user\n"
        + "How many replicas for 30 QPS?<|im_end|>\n<|im_start|>assistant\n";
    int expected = JSON.readTree(fx.post("/tokenize", JSON.createObjectNode().put("content", templated).toString())
        .body()).get("tokens").size();
    assertEquals(expected, usage.promptTokens());

    ChatCompletion done = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(EngineFixture.MODEL).addUserMessage("hello").maxCompletionTokens(7L).temperature(0.0).build());
    assertEquals(7, done.usage().orElseThrow().completionTokens());
    String text = done.choices().get(0).message().content().orElseThrow();
    assertTrue(text.matches("( [A-Za-z]+){7}"), text);
    assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, done.choices().get(0).finishReason());
  }

  /**
   * Continuous batching: four requests sent together are decoded together. Every request's first
   * token arrives before any of them has finished, and within 1.5x the time one request alone takes
   * to finish: a server that serialized requests would give the last one its first token only after
   * three whole completions (3x). Prompts are short (~25 tokens with the template) so that the four
   * prompts' joint prefill stays well under one completion even when prefill is no faster per token
   * than decode, as here. The wall-time ratio to the same four sent one after another is printed, not
   * asserted: with a model this small on two cores llama.cpp's decode is compute-bound (weights stay
   * in cache), so a step of four sequences costs about four single steps and the ratio is near 1
   * (README, "Figures").
   */
  @Test
  void concurrentRequestsAreBatchedNotSerialized() throws Exception {
    TextChatRequests text = new TextChatRequests("text-chat", EngineFixture.MODEL, true, false);
    int maxTokens = 192; // long enough that one completion clearly outlasts the joint prefill of four prompts
    long sequential = System.nanoTime();
    long singleE2e = Long.MAX_VALUE;
    for (int i = 0; i < EngineFixture.PARALLEL; i++) {
      RequestRecord alone = client.send(text.request(10, maxTokens, 10 + i), 0L).get(120, TimeUnit.SECONDS);
      assertEquals(Outcome.OK, alone.outcome(), alone.error());
      singleE2e = Math.min(singleE2e, alone.e2eNanos());
    }
    sequential = System.nanoTime() - sequential;
    long start = System.nanoTime();
    List<CompletableFuture<RequestRecord>> futures = new ArrayList<>();
    for (int i = 0; i < EngineFixture.PARALLEL; i++) {
      futures.add(client.send(text.request(10, maxTokens, 20 + i), 0L));
    }
    List<RequestRecord> records = new ArrayList<>();
    for (var f : futures) {
      records.add(f.get(120, TimeUnit.SECONDS));
    }
    long concurrent = System.nanoTime() - start;
    long lastFirstToken = 0;
    long firstEnd = Long.MAX_VALUE;
    long maxTtft = 0;
    for (RequestRecord r : records) {
      assertEquals(Outcome.OK, r.outcome(), r.error());
      assertEquals(maxTokens, r.completionTokens());
      lastFirstToken = Math.max(lastFirstToken, r.startEpochMicros() * 1000 + r.ttftNanos());
      firstEnd = Math.min(firstEnd, r.startEpochMicros() * 1000 + r.e2eNanos());
      maxTtft = Math.max(maxTtft, r.ttftNanos());
    }
    System.out.printf("LlamaCppEngineTest: 4 concurrent %.0f ms, the same 4 one after another %.0f ms (ratio %.2f); "
        + "slowest first token %.0f ms, one request alone %.0f ms%n", concurrent / 1e6, sequential / 1e6,
        (double) concurrent / sequential, maxTtft / 1e6, singleE2e / 1e6);
    assertTrue(lastFirstToken < firstEnd, "every request had its first token before any finished");
    assertTrue(maxTtft < 1.5 * singleE2e, "slowest first token " + maxTtft / 1e6 + " ms, one request alone takes "
        + singleE2e / 1e6 + " ms");
  }

  @Test
  void metricsUseLlamaCppNamesAndCountTheEnginesTokens() throws Exception {
    Map<String, Double> before = metrics();
    for (String name : List.of("prompt_tokens_total", "prompt_seconds_total", "tokens_predicted_total",
        "tokens_predicted_seconds_total", "prompt_tokens_seconds", "predicted_tokens_seconds", "kv_cache_usage_ratio",
        "kv_cache_tokens", "requests_processing", "requests_deferred")) {
      assertTrue(before.containsKey("llamacpp:" + name), name + " in " + before.keySet());
    }
    ChatRequest request = new TextChatRequests("text-chat", EngineFixture.MODEL, true, false).request(20, 5, 3);
    RequestRecord r = client.send(request, 0L).get(120, TimeUnit.SECONDS);
    assertEquals(Outcome.OK, r.outcome(), r.error());
    Map<String, Double> after = metrics();
    assertEquals(5, after.get("llamacpp:tokens_predicted_total") - before.get("llamacpp:tokens_predicted_total"), 0);
    assertEquals(r.promptTokens(), after.get("llamacpp:prompt_tokens_total") - before.get("llamacpp:prompt_tokens_total"), 0);
    assertTrue(after.get("llamacpp:prompt_seconds_total") > before.get("llamacpp:prompt_seconds_total"));
    assertTrue(after.get("llamacpp:tokens_predicted_seconds_total") > before.get("llamacpp:tokens_predicted_seconds_total"));
    assertEquals(0, after.get("llamacpp:requests_processing"), 0);
    assertEquals(0, after.get("llamacpp:kv_cache_tokens"), 0);
  }

  private static Map<String, Double> metrics() throws Exception {
    var response = fx.get("/metrics");
    assertEquals(200, response.statusCode());
    Map<String, Double> values = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] parts = line.split(" ");
        assertEquals(2, parts.length, line);
        values.put(parts[0], Double.parseDouble(parts[1]));
      }
    }
    return values;
  }

  @Test
  void modelsHealthAndRefusals() throws Exception {
    JsonNode models = JSON.readTree(fx.get("/v1/models").body());
    assertEquals(EngineFixture.MODEL, models.at("/data/0/id").asText());
    assertEquals(200, fx.get("/health").statusCode());
    String image = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:,\"}}]}]}";
    var refused = fx.post("/v1/chat/completions", image);
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("text chats only"), refused.body());
    var hot = fx.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}");
    assertEquals(400, hot.statusCode());
    assertTrue(hot.body().contains("temperature"), hot.body());
    var tooLong = fx.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":"
        + EngineFixture.SLOT_CONTEXT + "}");
    assertEquals(400, tooLong.statusCode());
    assertTrue(tooLong.body().contains("maximum context length is " + EngineFixture.SLOT_CONTEXT), tooLong.body());
  }
}
