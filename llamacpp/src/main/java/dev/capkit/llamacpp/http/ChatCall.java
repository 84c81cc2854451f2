package dev.capkit.llamacpp.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.llamacpp.engine.ChatMessage;
import dev.capkit.llamacpp.engine.Sampling;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code POST /v1/chat/completions} body. Text chats only: message content is a string or
 * an array of {@code {"type":"text"}} parts. Sampling fields must lie in OpenAI's ranges.
 * {@code stop}, {@code n} other than 1, {@code logit_bias} and image parts are refused with 400
 * (they would change how many tokens come back). Other fields (e.g. {@code ignore_eos}: the generated
 * models never stop early anyway) are ignored.
 *
 * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}; 0 when absent (then the slot's remaining context)
 */
record ChatCall(String model, List<ChatMessage> messages, int maxTokens, boolean stream, boolean includeUsage,
    Sampling sampling) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static ChatCall parse(byte[] body) throws ApiError {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw ApiError.badRequest(null, "request body is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest(null, "request body must be a JSON object");
    }
    for (String refused : List.of("stop", "logit_bias", "tools", "response_format")) {
      if (root.hasNonNull(refused)) {
        throw ApiError.badRequest(refused, "'" + refused + "' is not supported by this engine front");
      }
    }
    if (root.hasNonNull("n") && root.get("n").asInt() != 1) {
      throw ApiError.badRequest("n", "only n=1 is supported");
    }
    String model = root.path("model").asText("");
    List<ChatMessage> messages = messages(root.path("messages"));
    int maxTokens = maxTokens(root);
    boolean stream = root.path("stream").asBoolean(false);
    boolean includeUsage = root.path("stream_options").path("include_usage").asBoolean(false);
    Sampling sampling = new Sampling(
        number(root, "temperature", 1, 0, 2),
        number(root, "top_p", 1, Double.MIN_VALUE, 1),
        number(root, "frequency_penalty", 0, -2, 2),
        number(root, "presence_penalty", 0, -2, 2),
        root.hasNonNull("seed") ? Math.floorMod(root.get("seed").asLong(), 1L << 31) : -1);
    return new ChatCall(model, messages, maxTokens, stream, includeUsage, sampling);
  }

  private static List<ChatMessage> messages(JsonNode array) throws ApiError {
    if (!array.isArray() || array.isEmpty()) {
      throw ApiError.badRequest("messages", "'messages' must be a non-empty array");
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode m = array.get(i);
      String role = m.path("role").asText("");
      if (!List.of("system", "user", "assistant", "developer").contains(role)) {
        throw ApiError.badRequest("messages[" + i + "].role", "unsupported role '" + role + "'");
      }
      out.add(new ChatMessage(role, content(m.path("content"), i)));
    }
    return out;
  }

  private static String content(JsonNode content, int i) throws ApiError {
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw ApiError.badRequest("messages[" + i + "].content", "content must be a string or an array of text parts");
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : content) {
      String type = part.path("type").asText("");
      if (!type.equals("text")) {
        throw ApiError.badRequest("messages[" + i + "].content", "content part type '" + type
            + "' is not supported: this engine serves text chats only");
      }
      sb.append(part.path("text").asText(""));
    }
    return sb.toString();
  }

  private static int maxTokens(JsonNode root) throws ApiError {
    JsonNode n = root.hasNonNull("max_completion_tokens") ? root.get("max_completion_tokens") : root.get("max_tokens");
    if (n == null || n.isNull()) {
      return 0;
    }
    if (!n.canConvertToInt() || n.asInt() < 1) {
      throw ApiError.badRequest("max_tokens", "max_tokens must be a positive integer, got " + n);
    }
    return n.asInt();
  }

  private static double number(JsonNode root, String field, double fallback, double min, double max) throws ApiError {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
      throw ApiError.badRequest(field, field + " must be a number in [" + (min == Double.MIN_VALUE ? "0 (excluded)" : min)
          + ", " + max + "], got " + n);
    }
    return n.asDouble();
  }
}
