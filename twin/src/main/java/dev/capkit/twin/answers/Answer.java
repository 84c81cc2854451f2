package dev.capkit.twin.answers;

import java.util.List;

/**
 * The text the emulated model will stream: one piece per output token, and why it stops
 * ({@code stop} when the answer ended by itself, {@code length} when {@code max_tokens} or
 * {@code max_model_len} cut it).
 */
public record Answer(List<String> pieces, String finishReason) {
  public Answer {
    pieces = List.copyOf(pieces);
    if (pieces.isEmpty()) {
      throw new IllegalArgumentException("an answer has at least one token");
    }
  }

  public int tokens() {
    return pieces.size();
  }

  public String text() {
    return String.join("", pieces);
  }
}
