package dev.capkit.loadgen;

import dev.capkit.core.workload.TraceRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Text chat requests for the lines of a timestamped trace ({@link TraceRequest}): a prompt of the
 * line's {@code input_length} tokens and {@code max_tokens} of its {@code output_length} (at least 1:
 * BurstGPT's failed requests have 0).
 *
 * <p>Shared prefixes: the prompt is a user message of {@value TraceRequest#BLOCK_TOKENS}-token
 * blocks, one text part each ({@code "content": [{"type": "text", "text": block0}, ...]}; vLLM joins
 * text parts with a newline, so the token prefix of equal leading blocks is equal, and capkit's
 * emulator, which hashes each part, sees equal leading parts). Block {@code i} of a line with hash id {@code h} is a text that is a pure function of
 * {@code h} (and this object's {@code salt}): the same hash id always gives byte-identical text, so
 * two lines sharing leading hash ids share that prompt prefix exactly and a server's prefix cache can
 * reuse it. Blocks past the line's hash ids (and every block of a format without them) are text of
 * their own, a function of the line number, so they share nothing. The last block is cut to the
 * prompt's remaining tokens. Text is English words, about {@value TextChatRequests#CHARS_PER_TOKEN}
 * characters per token (lengths are estimates unless the server's tokenizer agrees).
 *
 * <pre>{@code
 * var trace = new TracePromptRequests("trace", "my-model", true, false, 0L);
 * ChatRequest r = trace.request(traceRequest);
 * }</pre>
 * Thread-safe.
 */
public final class TracePromptRequests {
  /** Characters of one full block. */
  static final int BLOCK_CHARS = TraceRequest.BLOCK_TOKENS * TextChatRequests.CHARS_PER_TOKEN;

  private static final byte[] PART_OPEN_FIRST = JsonSegments.raw("{\"type\":\"text\",\"text\":\"");
  private static final byte[] PART_OPEN = JsonSegments.raw(",{\"type\":\"text\",\"text\":\"");
  private static final byte[] PART_CLOSE = JsonSegments.raw("\"}");

  private final String kind;
  private final boolean stream;
  private final long salt;
  private final byte[] head;
  private final byte[] middleBeforeMaxTokens;
  private final byte[] tail;

  public TracePromptRequests(String kind, String model, boolean stream, boolean ignoreEos, long salt) {
    this.kind = Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(model, "model");
    this.stream = stream;
    this.salt = salt;
    this.head = new JsonSegments.Builder()
        .raw("{\"model\":").quoted(model)
        .raw(",\"messages\":[{\"role\":\"user\",\"content\":[")
        .build();
    this.middleBeforeMaxTokens = JsonSegments.raw("]}],\"max_tokens\":");
    this.tail = JsonSegments.raw(",\"temperature\":0.0"
        + (ignoreEos ? ",\"ignore_eos\":true" : "")
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : ",\"stream\":false}"));
  }

  /** The request of one trace line. */
  public ChatRequest request(TraceRequest line) {
    return request(line, salt);
  }

  /**
   * The request of one trace line with its blocks drawn under {@code salt} instead of this object's:
   * equal hash ids under one salt are byte-identical blocks, under two salts unrelated ones (a replay
   * of the same trace at another speed then finds nothing of the first in a prefix cache).
   */
  public ChatRequest request(TraceRequest line, long salt) {
    int tokens = Math.max(1, line.inputTokens());
    int blocks = (tokens + TraceRequest.BLOCK_TOKENS - 1) / TraceRequest.BLOCK_TOKENS;
    byte[][] parts = new byte[3 * blocks + 3][];
    parts[0] = head;
    int chars = 0;
    for (int b = 0; b < blocks; b++) {
      int blockTokens = Math.min(TraceRequest.BLOCK_TOKENS, tokens - b * TraceRequest.BLOCK_TOKENS);
      long seed = b < line.blocks() ? mix(salt, line.hashId(b)) : mix(~salt, ((long) line.line() << 20) + b);
      parts[3 * b + 1] = b == 0 ? PART_OPEN_FIRST : PART_OPEN;
      parts[3 * b + 2] = block(seed, blockTokens * TextChatRequests.CHARS_PER_TOKEN);
      parts[3 * b + 3] = PART_CLOSE;
      chars += parts[3 * b + 2].length;
    }
    parts[3 * blocks + 1] = middleBeforeMaxTokens;
    parts[3 * blocks + 2] = concat(Integer.toString(Math.max(1, line.outputTokens())).getBytes(StandardCharsets.US_ASCII),
        tail);
    return new ChatRequest(kind, stream, parts, 0, chars);
  }

  /** The text of a block: {@code length} ASCII characters of words, a pure function of {@code seed}. */
  static byte[] block(long seed, int length) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder(BLOCK_CHARS + 16);
    while (text.length() < BLOCK_CHARS) {
      text.append(TextChatRequests.WORDS[random.nextInt(TextChatRequests.WORDS.length)]).append(' ');
    }
    text.setLength(BLOCK_CHARS - 1);
    text.append(' '); // blocks join on a space, whatever follows
    return text.substring(0, length).getBytes(StandardCharsets.US_ASCII);
  }

  private static long mix(long a, long b) {
    return a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
