package dev.capkit.core.results;

import java.util.Map;

/**
 * The figures of one request kind within one step.
 *
 * @param metrics         latency summaries keyed by {@link Metric#key()}
 * @param reasoningTokens sum of {@code usage.completion_tokens_details.reasoning_tokens} of successful
 *                        requests (added to results format v1; absent, read as 0, when none were reported)
 */
public record KindSummary(long sent, long ok, Map<String, Long> errors, long promptTokens, long completionTokens,
    Map<String, LatencyStats> metrics,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
    long reasoningTokens) {

  /** Figures without reasoning tokens (merges, older producers). */
  public KindSummary(long sent, long ok, Map<String, Long> errors, long promptTokens, long completionTokens,
      Map<String, LatencyStats> metrics) {
    this(sent, ok, errors, promptTokens, completionTokens, metrics, 0);
  }
}
