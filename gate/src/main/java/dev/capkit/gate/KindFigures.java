package dev.capkit.gate;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One request kind within one step: its request counts and the latency histograms the gate reads
 * (microseconds, keyed by {@code Metric.key()}: {@code e2e}, {@code ttft}, {@code tpot}). The
 * histograms are shared, not copied: treat them as read-only.
 *
 * <pre>{@code
 * KindFigures k = step.kinds().get("phone-step");
 * long failed = k.failed();
 * }</pre>
 */
public record KindFigures(long sent, long ok, Map<String, Histogram> histograms) {
  public KindFigures {
    histograms = Map.copyOf(histograms);
  }

  public long failed() {
    return sent - ok;
  }

  /** The histogram of a metric, or an empty one when the kind recorded none (e.g. TTFT of non-streamed requests). */
  public Histogram histogram(String metricKey) {
    Histogram h = histograms.get(metricKey);
    return h != null ? h : RunFigures.newHistogram();
  }
}
