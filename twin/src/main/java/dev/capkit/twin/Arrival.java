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
 */
public record Arrival(
    double offsetSeconds, String id, String kind, int promptTextTokens, int imageWidth, int imageHeight,
    Integer maxTokens, boolean stream) {

  public Arrival {
    if (!(offsetSeconds >= 0)) {
      throw new IllegalArgumentException("arrival " + id + ": offsetSeconds must be >= 0, got " + offsetSeconds);
    }
    if (id == null || kind == null) {
      throw new IllegalArgumentException("arrival id and kind must be set");
    }
  }

  /** An Open-AutoGLM step: one screenshot plus text, streamed, max_tokens 3000 as its client sends. */
  public static Arrival phoneStep(double offsetSeconds, String id, int promptTextTokens, int width, int height) {
    return new Arrival(offsetSeconds, id, "phone-step", promptTextTokens, width, height, 3000, true);
  }

  public boolean hasImage() {
    return imageWidth > 0 && imageHeight > 0;
  }
}
