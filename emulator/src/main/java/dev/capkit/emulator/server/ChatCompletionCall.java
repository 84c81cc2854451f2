package dev.capkit.emulator.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.twin.PromptAdmission;
import dev.capkit.twin.PromptAdmission.ImageSize;
import dev.capkit.twin.physics.TextTokenEstimate;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a {@code POST /v1/chat/completions} body the emulator uses: model, stream flags,
 * {@code max_tokens} (or {@code max_completion_tokens}), {@code ignore_eos} (vLLM's sampling parameter:
 * the answer runs to its cap instead of ending by itself), the prompt's text tokens (estimated with
 * {@link TextTokenEstimate}, template tokens included) and its images' sizes, and the prompt's
 * pieces in order with content keys (hashes of each text and image), which is what the prefix
 * cache matches on.
 */
record ChatCompletionCall(
    String model, boolean stream, boolean includeUsage, Integer maxTokens, boolean ignoreEos, int textTokens,
    long promptChars, List<ImageSize> images, List<PromptAdmission.PromptPart> parts) {

  static ChatCompletionCall parse(ObjectMapper json, byte[] body) throws ApiError {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(null, "JSON decode error: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw ApiError.badRequest(null, "unreadable request body: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest(null, "request body must be a JSON object");
    }
    JsonNode model = root.get("model");
    if (model == null || !model.isTextual()) {
      throw ApiError.badRequest("model", "field 'model' is required and must be a string");
    }
    JsonNode messages = root.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiError.badRequest("messages", "field 'messages' must be a non-empty array");
    }
    int tokens = TextTokenEstimate.GENERATION_PROMPT_TOKENS;
    long chars = 0;
    List<ImageSize> images = new ArrayList<>();
    List<PromptAdmission.PromptPart> parts = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.isObject() || !m.path("role").isTextual()) {
        throw ApiError.badRequest("messages", "messages[" + i + "] must be an object with a string 'role'");
      }
      tokens += TextTokenEstimate.TOKENS_PER_MESSAGE;
      parts.add(PromptAdmission.PromptPart.text("tpl:" + m.path("role").asText(), TextTokenEstimate.TOKENS_PER_MESSAGE));
      JsonNode content = m.get("content");
      if (content == null || content.isNull()) {
        continue;
      }
      if (content.isTextual()) {
        tokens += TextTokenEstimate.count(content.asText());
        chars += content.asText().length();
        parts.add(textPart(content.asText()));
      } else if (content.isArray()) {
        for (int p = 0; p < content.size(); p++) {
          JsonNode part = content.get(p);
          String where = "messages[" + i + "].content[" + p + "]";
          String type = part.path("type").asText("");
          switch (type) {
            case "text" -> {
              String text = part.path("text").asText("");
              tokens += TextTokenEstimate.count(text);
              chars += text.length();
              parts.add(textPart(text));
            }
            case "image_url" -> {
              JsonNode url = part.path("image_url");
              String value = url.isTextual() ? url.asText() : url.path("url").asText("");
              if (value.isEmpty()) {
                throw ApiError.badRequest("messages", where + ".image_url.url is missing");
              }
              ImageSize size = ImageDimensions.fromDataUrl(value);
              images.add(size);
              parts.add(PromptAdmission.PromptPart.image(
                  "image:" + Integer.toHexString(value.hashCode()) + ":" + value.length(), size));
            }
            default -> throw ApiError.badRequest("messages", where + ".type '" + type
                + "' is not supported (expected text or image_url)");
          }
        }
      } else {
        throw ApiError.badRequest("messages", "messages[" + i + "].content must be a string or an array of parts");
      }
    }
    JsonNode stream = root.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      throw ApiError.badRequest("stream", "field 'stream' must be a boolean, got " + stream);
    }
    Integer maxTokens = null;
    for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
      JsonNode v = root.get(field);
      if (v != null && !v.isNull()) {
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
          throw ApiError.badRequest(field, "field '" + field + "' must be an integer, got " + v);
        }
        maxTokens = v.asInt();
      }
    }
    JsonNode ignoreEos = root.get("ignore_eos");
    if (ignoreEos != null && !ignoreEos.isNull() && !ignoreEos.isBoolean()) {
      throw ApiError.badRequest("ignore_eos", "field 'ignore_eos' must be a boolean, got " + ignoreEos);
    }
    boolean includeUsage = root.path("stream_options").path("include_usage").asBoolean(false);
    parts.add(PromptAdmission.PromptPart.text("tpl:generation", TextTokenEstimate.GENERATION_PROMPT_TOKENS));
    return new ChatCompletionCall(model.asText(), stream != null && stream.asBoolean(false), includeUsage, maxTokens,
        ignoreEos != null && ignoreEos.asBoolean(false), tokens, chars, images, parts);
  }

  private static PromptAdmission.PromptPart textPart(String text) {
    return PromptAdmission.PromptPart.text("text:" + Integer.toHexString(text.hashCode()) + ":" + text.length(),
        TextTokenEstimate.count(text));
  }
}
