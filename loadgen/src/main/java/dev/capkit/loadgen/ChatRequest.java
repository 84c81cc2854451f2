package dev.capkit.loadgen;

import java.util.Objects;

/**
 * One ready-to-send chat completion: the JSON body to POST to {@code /v1/chat/completions} plus
 * what the request is, for the results.
 *
 * <p>The body is held as segments that are concatenated only on the wire: a phone step is over a
 * megabyte, almost all of it the screenshot's base64, which every request of that variant shares.
 * Holding segments keeps a request in flight to a few kilobytes of its own (a load generator under
 * overload can hold thousands), and the client writes them as one composite buffer, never copied.
 * Segments are shared and must not be mutated after construction.
 *
 * <pre>{@code
 * ChatRequest request = new ChatRequest("text-chat", true, jsonBytes, 0, 1200);
 * client.send(request, 0L).thenAccept(record -> ...);
 * }</pre>
 *
 * @param kind              request kind from the scenario mix, e.g. {@code phone-step}
 * @param stream            whether the body asks for {@code "stream": true} (SSE response expected)
 * @param segments          the UTF-8 JSON body, in order
 * @param imageCount        images in the body (0 for text chat)
 * @param approxPromptChars characters of prompt text in the body, images excluded (for sanity checks
 *                          against {@code usage.prompt_tokens})
 * @param planKey           which planned request this is, the same in every run of one scenario and
 *                          seed whichever injector sends it (e.g. {@code s42-a17}: seed 42, arrival 17),
 *                          or null; sent as {@code X-Capkit-Plan-Key}, which capkit's emulator uses to
 *                          seed the answer, so that runs of one plan get the same answers (paired runs)
 */
public record ChatRequest(String kind, boolean stream, byte[][] segments, int imageCount, int approxPromptChars,
    String planKey) {

  public ChatRequest {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(segments, "segments");
    long length = 0;
    for (byte[] s : segments) {
      length += Objects.requireNonNull(s, "segment").length;
    }
    if (length == 0) {
      throw new IllegalArgumentException("body of request kind '" + kind + "' is empty");
    }
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("body of request kind '" + kind + "' is over 2 GiB");
    }
    if (imageCount < 0 || approxPromptChars < 0) {
      throw new IllegalArgumentException("imageCount and approxPromptChars must be >= 0, got "
          + imageCount + " and " + approxPromptChars);
    }
  }

  /** A request with no plan key. */
  public ChatRequest(String kind, boolean stream, byte[][] segments, int imageCount, int approxPromptChars) {
    this(kind, stream, segments, imageCount, approxPromptChars, null);
  }

  /** A request whose body is one array of JSON bytes. */
  public ChatRequest(String kind, boolean stream, byte[] body, int imageCount, int approxPromptChars) {
    this(kind, stream, new byte[][] {body}, imageCount, approxPromptChars, null);
  }

  /** The same request (sharing the body segments) marked as the planned request {@code key}. */
  public ChatRequest withPlanKey(String key) {
    return new ChatRequest(kind, stream, segments, imageCount, approxPromptChars, key);
  }

  /** A request whose body is known only as JSON bytes. */
  public ChatRequest(String kind, boolean stream, byte[] body) {
    this(kind, stream, body, 0, 0);
  }

  /** Body length in bytes (the Content-Length sent). */
  public int length() {
    int length = 0;
    for (byte[] s : segments) {
      length += s.length;
    }
    return length;
  }

  /** The whole body as one new array (tests and diagnostics; the client never calls this). */
  public byte[] body() {
    return JsonSegments.concat(segments);
  }

  @Override
  public String toString() {
    return "ChatRequest[kind=" + kind + ", stream=" + stream + ", bodyBytes=" + length()
        + ", images=" + imageCount + ", promptChars=" + approxPromptChars + (planKey == null ? "" : ", planKey=" + planKey) + "]";
  }
}
