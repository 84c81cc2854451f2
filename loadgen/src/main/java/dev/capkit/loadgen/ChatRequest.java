package dev.capkit.loadgen;

import java.util.Objects;

/**
 * One ready-to-send chat completion: the JSON body to POST to {@code /v1/chat/completions} plus
 * what the request is, for the results.
 *
 * <p>The body is built ahead of time by {@link PhoneStepRequests} or {@link TextChatRequests}; the
 * client sends it as is and never copies or re-encodes it (it is not defensively copied either,
 * because a phone step body is over a megabyte: do not mutate it after construction).
 *
 * <pre>{@code
 * ChatRequest request = new ChatRequest("text-chat", true, jsonBytes, 0, 1200);
 * client.send(request, 0L).thenAccept(record -> ...);
 * }</pre>
 *
 * @param kind              request kind from the scenario mix, e.g. {@code phone-step}
 * @param stream            whether the body asks for {@code "stream": true} (SSE response expected)
 * @param body              UTF-8 JSON body
 * @param imageCount        images in the body (0 for text chat)
 * @param approxPromptChars characters of prompt text in the body, images excluded (for sanity checks
 *                          against {@code usage.prompt_tokens})
 */
public record ChatRequest(String kind, boolean stream, byte[] body, int imageCount, int approxPromptChars) {

  public ChatRequest {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(body, "body");
    if (body.length == 0) {
      throw new IllegalArgumentException("body of request kind '" + kind + "' is empty");
    }
    if (imageCount < 0 || approxPromptChars < 0) {
      throw new IllegalArgumentException("imageCount and approxPromptChars must be >= 0, got "
          + imageCount + " and " + approxPromptChars);
    }
  }

  /** A request whose body is known only as JSON bytes. */
  public ChatRequest(String kind, boolean stream, byte[] body) {
    this(kind, stream, body, 0, 0);
  }

  @Override
  public String toString() {
    return "ChatRequest[kind=" + kind + ", stream=" + stream + ", bodyBytes=" + body.length
        + ", images=" + imageCount + ", promptChars=" + approxPromptChars + "]";
  }
}
