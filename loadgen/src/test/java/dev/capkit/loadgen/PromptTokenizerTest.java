package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.scenario.ClientTimeouts;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Token-true prompts: the target's /tokenize counts capkit's prompt text, in each engine's answer
 * shape (vLLM/SGLang {@code count}, llama.cpp {@code tokens}, TGI a bare array), and prompts are
 * then sized with the measured ratio; no endpoint keeps the 4-characters estimate and says so.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PromptTokenizerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Pretends to be a tokenizer of exactly 5 characters per token over whichever field its engine reads. */
  private static PromptTokenizer.Calibration against(String field, Function<Integer, String> answer) throws Exception {
    try (ScriptedServer server = new ScriptedServer((request, socket, out) -> {
      if (!request.path().equals("/tokenize")) {
        ScriptedServer.answer(out, 404, "Not Found", "application/json", "{\"detail\":\"Not Found\"}");
        return true;
      }
      JsonNode body = JSON.readTree(request.body());
      int tokens = body.path(field).asText().length() / 5;
      ScriptedServer.answer(out, 200, "OK", "application/json", answer.apply(tokens));
      return true;
    });
         ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", null, ClientTimeouts.DEFAULTS), 1)) {
      return PromptTokenizer.calibrate(client, "m");
    }
  }

  @Test
  void vllmAndSglangCount() throws Exception {
    PromptTokenizer.Calibration c = against("prompt", n -> "{\"count\":" + n + ",\"max_model_len\":8192,\"tokens\":[]}");
    assertTrue(c.measured());
    assertEquals(5.0, c.charsPerToken(), 0.01);
    assertTrue(c.basis().startsWith("measured: POST /tokenize counted 800 tokens in 4000 characters"), c.basis());
  }

  @Test
  void llamaCppTokens() throws Exception {
    PromptTokenizer.Calibration c = against("content", n -> "{\"tokens\":[" + "1,".repeat(n - 1) + "1]}");
    assertEquals(5.0, c.charsPerToken(), 0.01);
  }

  @Test
  void tgiArray() throws Exception {
    PromptTokenizer.Calibration c = against("inputs", n -> "[" + "{\"id\":1,\"text\":\"a\"},".repeat(n - 1) + "{\"id\":1,\"text\":\"a\"}]");
    assertEquals(5.0, c.charsPerToken(), 0.01);
  }

  @Test
  void noEndpointKeepsTheEstimateAndSaysSo() throws Exception {
    try (ScriptedServer server = new ScriptedServer((request, socket, out) -> {
      ScriptedServer.answer(out, 404, "Not Found", "application/json", "{}");
      return true;
    });
         ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", null, ClientTimeouts.DEFAULTS), 1)) {
      PromptTokenizer.Calibration c = PromptTokenizer.calibrate(client, "m");
      assertFalse(c.measured());
      assertEquals(4.0, c.charsPerToken());
      assertEquals("estimate: 4 characters per token (the target offers no /tokenize: HTTP 404); text prompt lengths are "
          + "approximate", c.basis());
    }
  }

  @Test
  void promptsAreSizedWithTheMeasuredRatio() {
    TextChatRequests measured = new TextChatRequests("chat", "m", true, true, 5.0);
    ChatRequest r = measured.request(500, 64, 7L);
    String body = new String(r.segments()[0], StandardCharsets.UTF_8);
    String content = body.substring(body.indexOf("\"content\":\"") + 11, body.indexOf("\"}],"));
    assertEquals(2500, content.length());
    assertTrue(body.contains("\"ignore_eos\":true"));
    assertEquals(new TextChatRequests("chat", "m", true, false).request(500, 64, 7L).length(),
        new TextChatRequests("chat", "m", true, false, 4.0).request(500, 64, 7L).length(), "4.0 is the old default");
  }
}
