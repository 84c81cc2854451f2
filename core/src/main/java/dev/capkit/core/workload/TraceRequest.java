package dev.capkit.core.workload;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One request of a timestamped trace, as read from the file: when it arrived relative to the
 * trace's first request, how long its prompt and answer were, and which shared prompt blocks
 * it started with.
 *
 * @param line         1-based line of the file it came from (errors and reports name it)
 * @param offsetMicros arrival time, microseconds after the trace's first request (non-decreasing)
 * @param inputTokens  prompt length in tokens, as the trace states it
 * @param outputTokens answer length in tokens, as the trace states it (0 in BurstGPT marks a failed request)
 * @param hashIds      Mooncake block hash ids of the prompt's leading {@link #BLOCK_TOKENS}-token
 *                     blocks (equal ids: identical blocks, a shared prefix); empty when the format has none
 * @param model        the model the trace names ({@code ""} when the format has no model column)
 */
public record TraceRequest(int line, long offsetMicros, int inputTokens, int outputTokens, long[] hashIds,
    String model) {

  /** Tokens per hash block in Mooncake traces (the FAST'25 release's block size). */
  public static final int BLOCK_TOKENS = 512;

  public TraceRequest {
    hashIds = hashIds.clone();
  }

  /** The hash ids (a copy). */
  @Override
  public long[] hashIds() {
    return hashIds.clone();
  }

  /** Number of hash blocks. */
  public int blocks() {
    return hashIds.length;
  }

  /** Hash id of block {@code i}. */
  public long hashId(int i) {
    return hashIds[i];
  }

  /** One canonical line (golden files, diagnostics). */
  public String describe() {
    return String.format(Locale.ROOT, "line=%d offsetMicros=%d input=%d output=%d model=%s hashIds=[%s]", line,
        offsetMicros, inputTokens, outputTokens, model,
        Arrays.stream(hashIds).mapToObj(Long::toString).collect(Collectors.joining(",")));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceRequest t && t.line == line && t.offsetMicros == offsetMicros
        && t.inputTokens == inputTokens && t.outputTokens == outputTokens && Arrays.equals(t.hashIds, hashIds)
        && t.model.equals(model);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(offsetMicros) + Arrays.hashCode(hashIds) + line;
  }

  @Override
  public String toString() {
    return "TraceRequest[" + describe() + "]";
  }
}
