package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PhoneStepRequestsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ScreenshotPool SMALL = ScreenshotPool.of(216, 480, 2);

  private static JsonNode body(ChatRequest request) throws IOException {
    return JSON.readTree(request.body());
  }

  @Test
  void firstStepIsSystemThenUserWithImageThenText() throws IOException {
    var steps = new PhoneStepRequests("phone-step", "autoglm-phone-9b", PhoneStepRequests.Language.EN, 3000, SMALL);
    ChatRequest request = steps.step(0, 0);
    assertEquals("phone-step", request.kind());
    assertTrue(request.stream());
    assertEquals(1, request.imageCount());
    JsonNode b = body(request);
    assertEquals("autoglm-phone-9b", b.get("model").asText());
    JsonNode messages = b.get("messages");
    assertEquals(2, messages.size());
    assertEquals("system", messages.get(0).get("role").asText());
    JsonNode content = messages.get(1).get("content");
    assertEquals("user", messages.get(1).get("role").asText());
    assertEquals(2, content.size());
    assertEquals("image_url", content.get(0).get("type").asText());
    String url = content.get(0).get("image_url").get("url").asText();
    assertTrue(url.startsWith("data:image/png;base64,"));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(
        Base64.getDecoder().decode(url.substring("data:image/png;base64,".length()))));
    assertEquals(216, image.getWidth());
    assertEquals(480, image.getHeight());
    assertEquals("text", content.get(1).get("type").asText());
    String text = content.get(1).get("text").asText();
    assertTrue(text.matches("(?s)\\[task [0-9a-f]{8}\\] Open WeChat.*"), text);
    assertTrue(text.endsWith("\n\n{\"current_app\": \"WeChat\"}"), text);
  }

  @Test
  void samplingParametersAreOpenAutoGlmsPlusUsage() throws IOException {
    JsonNode b = body(new PhoneStepRequests("phone-step", "m", PhoneStepRequests.Language.EN, 3000, SMALL).step(1, 0));
    assertTrue(b.get("stream").asBoolean());
    assertEquals(3000, b.get("max_tokens").asInt());
    assertEquals(0.0, b.get("temperature").asDouble());
    assertEquals(0.85, b.get("top_p").asDouble());
    assertEquals(0.2, b.get("frequency_penalty").asDouble());
    assertTrue(b.get("stream_options").get("include_usage").asBoolean());
  }

  @Test
  void laterStepsResendHistoryWithImagesStrippedAndOnlyTheNewestScreenshot() throws IOException {
    var steps = new PhoneStepRequests("phone-step", "m", PhoneStepRequests.Language.EN, 512, SMALL);
    JsonNode messages = body(steps.step(2, 3)).get("messages");
    assertEquals(1 + 2 * 3 + 1, messages.size());
    int images = 0;
    for (int i = 1; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      assertEquals(i % 2 == 1 ? "user" : "assistant", m.get("role").asText(), "message " + i);
      if (m.get("role").asText().equals("assistant")) {
        String answer = m.get("content").asText();
        assertTrue(answer.matches("(?s)<think>.+</think><answer>(do|finish)\\(.+\\)</answer>"), answer);
      } else {
        for (JsonNode part : m.get("content")) {
          images += part.get("type").asText().equals("image_url") ? 1 : 0;
        }
      }
    }
    assertEquals(1, images, "only the newest user turn carries a screenshot");
    JsonNode last = messages.get(messages.size() - 1).get("content");
    assertEquals("image_url", last.get(0).get("type").asText());
    assertTrue(last.get(1).get("text").asText().startsWith("** Screen Info **\n\n{\"current_app\": "));
    assertEquals(1, messages.get(1).get("content").size(), "the first user turn keeps only its text part");
  }

  @Test
  void systemPromptsHaveTheRealLengths() {
    int en = PhoneStepRequests.systemPrompt(PhoneStepRequests.Language.EN).length();
    int zh = PhoneStepRequests.systemPrompt(PhoneStepRequests.Language.ZH).length();
    assertTrue(en > 2_300 && en < 3_000, "English prompt chars: " + en);
    assertTrue(zh > 7_500 && zh < 9_000, "Chinese prompt chars: " + zh);
  }

  @Test
  void chineseStepsAreValidJsonAndCarryChineseTasks() throws IOException {
    var steps = new PhoneStepRequests("phone-step", "m", PhoneStepRequests.Language.ZH, 3000, SMALL);
    JsonNode messages = body(steps.step(0, 1)).get("messages");
    assertTrue(messages.get(1).get("content").get(0).get("text").asText().matches("(?s)\\[task [0-9a-f]{8}\\] 打开微信.*"));
    assertTrue(messages.get(0).get("content").asText().contains("do(action=\"Tap\""));
  }

  @Test
  void consecutiveStepsUseDifferentScreenshots() {
    var steps = new PhoneStepRequests("phone-step", "m", PhoneStepRequests.Language.EN, 3000, SMALL);
    assertFalse(java.util.Arrays.equals(steps.step(0, 0).body(), steps.step(0, 1).body()));
  }

  @Test
  void tooManyPriorTurnsIsRefusedWithTheValue() {
    var steps = new PhoneStepRequests("phone-step", "m", PhoneStepRequests.Language.EN, 3000, SMALL);
    var e = assertThrows(IllegalArgumentException.class, () -> steps.step(0, 100));
    assertTrue(e.getMessage().contains("100"), e.getMessage());
  }

  @Test
  void sessionsShareOnlyTheSystemPromptAndASessionsStepsShareItsConversation() throws IOException {
    var steps = new PhoneStepRequests("phone-step", "m", PhoneStepRequests.Language.EN, 3000, SMALL);
    JsonNode a = body(steps.step(3, 2, 1001)).get("messages");
    JsonNode b = body(steps.step(3, 2, 1002)).get("messages");
    assertEquals(a.get(0), b.get(0), "the system prompt is shared");
    assertFalse(a.get(1).equals(b.get(1)), "the first user turn differs between sessions of the same task");
    JsonNode next = body(steps.step(3, 3, 1001)).get("messages");
    for (int i = 0; i < 5; i++) { // system, task turn, answer, screen-info turn (image stripped), answer
      assertEquals(a.get(i), next.get(i), "message " + i + " of a session's next step repeats its conversation");
    }
    assertEquals(body(steps.step(3, 2, 1001)), body(steps.step(3, 2, 1001)), "a session's step is deterministic");
    assertEquals(body(steps.step(3, 2)), body(steps.step(3, 2, 3)), "without a session, the task is the session");
  }

  @Test
  void sessionTagIsEightHexDigitsOfTheMixedSessionNumber() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(18);
    long[] sessions = new long[10_006];
    sessions[0] = 0;
    sessions[1] = 1;
    sessions[2] = -1;
    sessions[3] = Long.MIN_VALUE;
    sessions[4] = Long.MAX_VALUE;
    sessions[5] = 0xFFFF_FFFFL;
    for (int i = 6; i < sessions.length; i++) {
      sessions[i] = random.nextLong();
    }
    for (long session : sessions) {
      long z = session * 0x9E3779B97F4A7C15L; // the mix as specified in sessionTag's javadoc, formatted the slow way
      z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
      z ^= z >>> 29;
      String expected = String.format(java.util.Locale.ROOT, "[task %08x] ", (int) z);
      assertEquals(expected, new String(PhoneStepRequests.sessionTag(session), java.nio.charset.StandardCharsets.US_ASCII),
          "session " + session);
    }
    assertEquals("[task 00000000] ", new String(PhoneStepRequests.sessionTag(0), java.nio.charset.StandardCharsets.US_ASCII));
  }
}
