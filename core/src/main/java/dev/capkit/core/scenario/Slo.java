package dev.capkit.core.scenario;

import java.time.Duration;
import java.util.Locale;

/**
 * A latency objective: {@code metric} at {@code percentile} must stay under {@code threshold}, e.g.
 * {@code e2e.p99 = 8s}. The same threshold also decides, per request, whether the request counts
 * toward goodput (DistServe's definition: a request is good when it meets every objective).
 *
 * @param metric     {@code e2e}, {@code ttft}, {@code tpot} or {@code itl}
 * @param percentile e.g. 99.0
 */
public record Slo(String metric, double percentile, Duration threshold) {
  public static final java.util.List<String> METRICS = java.util.List.of("e2e", "ttft", "tpot", "itl");

  /** The key as written in scenario files, e.g. {@code ttft.p99}, {@code e2e.p99.9}. */
  public String key() {
    String p = percentile == Math.rint(percentile)
        ? Long.toString((long) percentile)
        : String.format(Locale.ROOT, "%s", percentile);
    return metric + ".p" + p;
  }

  @Override
  public String toString() {
    return key() + " < " + Durations.format(threshold);
  }
}
