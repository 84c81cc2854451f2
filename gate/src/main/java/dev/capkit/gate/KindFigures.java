package dev.capkit.gate;

import dev.capkit.gate.stats.CountSeries;
import dev.capkit.gate.stats.EmpiricalDistribution;
import dev.capkit.gate.stats.LatencySample;
import dev.capkit.gate.stats.SecondSeries;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One request kind within one step: its request counts, the latency histograms the gate reads
 * (microseconds, keyed by {@code Metric.key()}: {@code e2e}, {@code ttft}, {@code tpot}) and, when
 * the source kept them, the same values second by second ({@code perSecond}, keyed like the
 * histograms; its values are the metric's histogram's), and the request counts second by second
 * ({@code counts}: sent, ok, good; null when the source did not keep them: a run written, or a
 * baseline saved, before 2026-12-02). The histograms are shared, not copied: treat them as read-only.
 *
 * <pre>{@code
 * KindFigures k = step.kinds().get("phone-step");
 * long failed = k.failed();
 * LatencySample e2e = k.sample("e2e");   // with seconds when perSecond has e2e
 * }</pre>
 */
public record KindFigures(long sent, long ok, Map<String, Histogram> histograms, Map<String, SecondSeries> perSecond, CountSeries counts) {
  public KindFigures {
    histograms = Map.copyOf(histograms);
    perSecond = Map.copyOf(perSecond);
  }

  /** Figures without per-second histograms (a baseline saved before they were kept). */
  public KindFigures(long sent, long ok, Map<String, Histogram> histograms) {
    this(sent, ok, histograms, Map.of(), null);
  }

  /** Figures without per-second counts (a run or baseline written before they were kept). */
  public KindFigures(long sent, long ok, Map<String, Histogram> histograms, Map<String, SecondSeries> perSecond) {
    this(sent, ok, histograms, perSecond, null);
  }

  public long failed() {
    return sent - ok;
  }

  /** The histogram of a metric, or an empty one when the kind recorded none (e.g. TTFT of non-streamed requests). */
  public Histogram histogram(String metricKey) {
    Histogram h = histograms.get(metricKey);
    return h != null ? h : RunFigures.newHistogram();
  }

  /** A metric's values as the bootstrap resamples them: by second when kept, else pooled only. */
  public LatencySample sample(String metricKey) {
    return new LatencySample(EmpiricalDistribution.of(histogram(metricKey)), perSecond.get(metricKey));
  }
}
