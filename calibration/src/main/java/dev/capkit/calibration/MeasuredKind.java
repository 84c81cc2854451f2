package dev.capkit.calibration;

import dev.capkit.core.results.LatencyStats;

/**
 * What one request kind of one measured step showed: successful requests, their mean prompt and
 * completion tokens (the server's usage counts), and the client-side latency summaries.
 *
 * @param maxTokens   the kind's {@code max_tokens} in the scenario mix, or null
 * @param imageWidth  screenshot width of an image kind, 0 for text
 */
public record MeasuredKind(
    String kind, long ok, double meanPromptTokens, double meanCompletionTokens, boolean stream, Integer maxTokens,
    int imageWidth, int imageHeight, LatencyStats ttft, LatencyStats tpot, LatencyStats itl, LatencyStats e2e) {

  /** True when every successful request wrote exactly {@code max_tokens} (e.g. capkit's generated llama.cpp model). */
  public boolean filledMaxTokens() {
    return maxTokens != null && ok > 0 && Math.abs(meanCompletionTokens - maxTokens) < 1e-9;
  }

  public boolean hasImage() {
    return imageWidth > 0 && imageHeight > 0;
  }
}
