package dev.capkit.twin.answers;

import java.util.List;

/**
 * The answer the emulated model will stream: its length in tokens, why it stops ({@code stop} when
 * the answer ended by itself, {@code length} when {@code max_tokens} or {@code max_model_len} cut
 * it) and, when the text is needed (the HTTP server), one piece per output token. Virtual time
 * needs only the length: {@link #lengthOnly} answers carry no text and cost no allocation per token.
 */
public final class Answer {
  private final List<String> pieces; // null for a length-only answer
  private final int tokens;
  private final String finishReason;

  private Answer(List<String> pieces, int tokens, String finishReason) {
    if (tokens < 1) {
      throw new IllegalArgumentException("an answer has at least one token");
    }
    this.pieces = pieces;
    this.tokens = tokens;
    this.finishReason = finishReason;
  }

  /** An answer with its text, one piece per token. */
  public static Answer of(List<String> pieces, String finishReason) {
    return new Answer(List.copyOf(pieces), pieces.size(), finishReason);
  }

  /** An answer known by its length only (virtual time). */
  public static Answer lengthOnly(int tokens, String finishReason) {
    return new Answer(null, tokens, finishReason);
  }

  public int tokens() {
    return tokens;
  }

  public String finishReason() {
    return finishReason;
  }

  /** One piece per output token; only for answers generated with their text. */
  public List<String> pieces() {
    if (pieces == null) {
      throw new IllegalStateException("a length-only answer has no text (generated for virtual time)");
    }
    return pieces;
  }

  public String text() {
    return String.join("", pieces());
  }
}
