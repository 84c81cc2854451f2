package dev.capkit.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures how many characters of capkit's text prompts make one token on the target, with the
 * server's own tokenizer, so "a 500-token prompt" is 500 tokens there and not a 4-characters-per-token
 * guess. One {@code POST <base path>/tokenize} with a sample of {@link TextChatRequests}' corpus,
 * in a body every engine that offers the endpoint reads:
 * {@code {"model": m, "prompt": text, "content": text, "inputs": text, "add_special_tokens": false}}
 * (vLLM and SGLang read {@code prompt} and answer {@code {"count": n, "tokens": [...]}}; llama.cpp's
 * server reads {@code content} and answers {@code {"tokens": [...]}}; TGI reads {@code inputs} and
 * answers a JSON array of tokens). Any other answer leaves the estimate in place, and the result says
 * so: run.json records which.
 *
 * <pre>{@code
 * PromptTokenizer.Calibration c = PromptTokenizer.calibrate(client, "autoglm-phone-9b");
 * var chats = new TextChatRequests("chat", model, true, engineHonoursIgnoreEos, c.charsPerToken());
 * }</pre>
 */
public final class PromptTokenizer {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Characters of corpus sent: long enough for a stable ratio, short enough for any context. */
  static final int SAMPLE_CHARS = 4_000;

  private PromptTokenizer() {}

  /**
   * Characters per token and how it was found.
   *
   * @param charsPerToken characters of capkit's prompt text per token
   * @param measured      true when the target's tokenizer counted them
   * @param basis         one line for run.json and the console
   */
  public record Calibration(double charsPerToken, boolean measured, String basis) {
    /** The 4-characters-per-token estimate, with why it was kept. */
    public static Calibration estimate(String why) {
      return new Calibration(TextChatRequests.CHARS_PER_TOKEN, false, "estimate: " + TextChatRequests.CHARS_PER_TOKEN
          + " characters per token (" + why + "); text prompt lengths are approximate");
    }
  }

  /** Asks the target's tokenizer; never throws (no endpoint or a strange answer keeps the estimate). */
  public static Calibration calibrate(ChatClient client, String model) {
    String sample = TextChatRequests.sample(SAMPLE_CHARS);
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model).put("prompt", sample).put("content", sample).put("inputs", sample)
        .put("add_special_tokens", false);
    String path = client.endpoint().pathPrefix() + "/tokenize";
    ControlAnswer a;
    try {
      a = client.control(HttpMethod.POST, path, JSON.writeValueAsBytes(body)).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      return Calibration.estimate("POST " + path + " failed: " + e.getMessage());
    }
    if (!a.answered()) {
      return Calibration.estimate("POST " + path + ": " + a.problem());
    }
    if (a.status() != 200) {
      return Calibration.estimate("the target offers no " + path + ": HTTP " + a.status());
    }
    int count = count(a.body());
    if (count <= 0) {
      return Calibration.estimate(path + " answered without a token count");
    }
    double ratio = (double) sample.length() / count;
    return new Calibration(ratio, true, String.format(Locale.ROOT, "measured: POST %s counted %d tokens in %d characters of "
        + "capkit's prompt text (%.2f characters per token)", path, count, sample.length(), ratio));
  }

  /** Token count in a tokenize answer ({@code count}, or the length of {@code tokens} or of a top-level array), else -1. */
  static int count(String body) {
    try {
      JsonNode root = JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
      if (root == null) {
        return -1;
      }
      if (root.isArray()) {
        return root.size();
      }
      if (root.path("count").canConvertToInt()) {
        return root.path("count").asInt();
      }
      if (root.path("tokens").isArray()) {
        return root.path("tokens").size();
      }
      return -1;
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
