package dev.capkit.loadgen;

import dev.capkit.core.workload.SessionStep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Phone-step requests from recorded sessions ({@link SessionStep}): Open-AutoGLM's shape (system
 * prompt, then a user turn holding the step's own screenshot as a data URL of its real type,
 * followed by the step's recorded prompt text), streamed, with the step's {@code max_tokens} and
 * Open-AutoGLM's sampling settings. Each screenshot file is read and base64-encoded once
 * ({@link ScreenshotFile}) and shared by every request that sends it.
 *
 * <p>Earlier turns are not re-sent: {@code capkit-sessions-v1} records the prompts, not the model's
 * answers, so a step carries the system prompt and its own turn only (the recorded prompt text is
 * where a session's own context goes).
 * Thread-safe.
 */
public final class SessionRequests {
  private final String kind;
  private final byte[] head;
  private final byte[] imagePrefix;
  private final int systemChars;
  private final Map<Path, byte[]> dataUrls = new ConcurrentHashMap<>();

  public SessionRequests(String kind, String model, PhoneStepRequests.Language language) {
    this.kind = Objects.requireNonNull(kind, "kind");
    String system = PhoneStepRequests.systemPrompt(language);
    this.systemChars = system.length();
    this.head = new JsonSegments.Builder()
        .raw("{\"model\":").quoted(Objects.requireNonNull(model, "model"))
        .raw(",\"messages\":[{\"role\":\"system\",\"content\":").quoted(system).raw("}")
        .build();
    this.imagePrefix = JsonSegments.raw(
        ",{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"");
  }

  /** The request of one recorded step. */
  public ChatRequest request(SessionStep step) {
    byte[] image = dataUrls.computeIfAbsent(step.screenshot(), p -> ScreenshotFile.read(p, "screenshot").dataUrl());
    byte[] text = new JsonSegments.Builder().raw("\"}},{\"type\":\"text\",\"text\":").quoted(step.prompt())
        .raw("}]}").build();
    byte[] tail = ("],\"max_tokens\":" + step.maxTokens() + ",\"temperature\":0.0,\"top_p\":0.85,"
        + "\"frequency_penalty\":0.2,\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
        .getBytes(StandardCharsets.US_ASCII);
    return new ChatRequest(kind, true, new byte[][] {head, imagePrefix, image, text, tail}, 1,
        systemChars + step.prompt().length());
  }
}
