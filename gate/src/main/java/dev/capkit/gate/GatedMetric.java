package dev.capkit.gate;

import dev.capkit.core.results.Metric;

/**
 * What the gate compares. Latency p99s are judged as a relative change ({@code current/baseline - 1});
 * error rate and goodput as a difference of proportions in percentage points.
 *
 * <pre>{@code
 * GatedMetric.ofKey("ttft.p99")  // TTFT_P99, read from steps/<step>/ttft.hlog
 * }</pre>
 */
public enum GatedMetric {
  E2E_P99("e2e.p99", Metric.E2E),
  TTFT_P99("ttft.p99", Metric.TTFT),
  TPOT_P99("tpot.p99", Metric.TPOT),
  /** Failed requests / sent requests; a rise is a regression. */
  ERRORS("errors", null),
  /** Requests meeting every objective / sent requests (DistServe goodput per offered request); a fall is a regression. */
  GOODPUT("goodput", null);

  /** The quantile every latency comparison is made at. */
  public static final double QUANTILE = 0.99;

  private final String key;
  private final Metric source;

  GatedMetric(String key, Metric source) {
    this.key = key;
    this.source = source;
  }

  public String key() {
    return key;
  }

  /** The interval-log metric a latency comparison reads, or null for a proportion. */
  public Metric source() {
    return source;
  }

  public boolean latency() {
    return source != null;
  }

  public static GatedMetric ofKey(String key) {
    for (GatedMetric m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown metric '" + key + "' (known: e2e.p99, ttft.p99, tpot.p99, errors, goodput)");
  }
}
