package dev.capkit.core.results;

import java.util.Map;

/**
 * The figures of one request kind within one step.
 *
 * @param metrics latency summaries keyed by {@link Metric#key()}
 */
public record KindSummary(long sent, long ok, Map<String, Long> errors, long promptTokens, long completionTokens,
    Map<String, LatencyStats> metrics) {}
