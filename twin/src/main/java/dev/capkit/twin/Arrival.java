package dev.capkit.twin;

/**
 * One request of a load shape for {@link VirtualRun}: when it arrives (seconds after the run's
 * start) and what it asks for.
 *
 * @param offsetSeconds     arrival time relative to the run's start
 * @param id                request id (seeds the answer, like X-Request-Id does over HTTP)
 * @param kind              request kind from the scenario mix, e.g. {@code phone-step}
 * @param promptTextTokens  prompt text tokens including chat-template tokens
 * @param imageWidth        screenshot width in px, 0 for a text-only request
 * @param imageHeight       screenshot height in px, 0 for a text-only request
 * @param maxTokens         the request's max_tokens, or null
 * @param stream            streamed (TTFT and ITL recorded) or not
 * @param prefix            the prompt's leading text segments in order (prefix-cache identity, e.g. the
 *                          shared system prompt, a session's earlier turns); the rest of the text and the
 *                          image are unique to this request. Empty = nothing shared.
 */
public record Arrival(
    double offsetSeconds, String id, String kind, int promptTextTokens, int imageWidth, int imageHeight,
    Integer maxTokens, boolean stream, java.util.List<dev.capkit.twin.engine.PromptSegment> prefix) {

  /** Open-AutoGLM's system prompt (2.6k chars of English), the same in every phone step: ~650 tokens (estimate). */
  public static final int PHONE_SYSTEM_PROMPT_TOKENS = 650;

  /** An arrival that shares no prompt prefix with others. */
  public Arrival(double offsetSeconds, String id, String kind, int promptTextTokens, int imageWidth, int imageHeight,
      Integer maxTokens, boolean stream) {
    this(offsetSeconds, id, kind, promptTextTokens, imageWidth, imageHeight, maxTokens, stream, java.util.List.of());
  }

  public Arrival {
    if (!(offsetSeconds >= 0)) {
      throw new IllegalArgumentException("arrival " + id + ": offsetSeconds must be >= 0, got " + offsetSeconds);
    }
    if (id == null || kind == null) {
      throw new IllegalArgumentException("arrival id and kind must be set");
    }
    prefix = java.util.List.copyOf(prefix == null ? java.util.List.of() : prefix);
  }

  /**
   * An Open-AutoGLM step: one screenshot plus text, streamed, max_tokens 3000 as its client sends.
   * Its prompt starts with the system prompt every step shares ({@value #PHONE_SYSTEM_PROMPT_TOKENS}
   * tokens); the task, earlier turns and the screenshot follow.
   */
  public static Arrival phoneStep(double offsetSeconds, String id, int promptTextTokens, int width, int height) {
    return new Arrival(offsetSeconds, id, "phone-step", promptTextTokens, width, height, 3000, true,
        java.util.List.of(new dev.capkit.twin.engine.PromptSegment("text:open-autoglm-system-prompt",
            Math.min(PHONE_SYSTEM_PROMPT_TOKENS, promptTextTokens))));
  }

  /** Same arrival with another shared prefix (e.g. system prompt + this session's earlier turns). */
  public Arrival withPrefix(java.util.List<dev.capkit.twin.engine.PromptSegment> segments) {
    return new Arrival(offsetSeconds, id, kind, promptTextTokens, imageWidth, imageHeight, maxTokens, stream, segments);
  }

  public boolean hasImage() {
    return imageWidth > 0 && imageHeight > 0;
  }
}
