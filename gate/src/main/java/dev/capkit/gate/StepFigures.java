package dev.capkit.gate;

import dev.capkit.gate.stats.CountSeries;
import dev.capkit.gate.stats.SecondSeries;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One finished step as the gate sees it: what was offered, how many requests were sent, succeeded
 * and met every objective, and per request kind the counts and latency histograms.
 *
 * <pre>{@code
 * StepFigures s = figures.step("s00-qps0.25-none").orElseThrow();
 * KindFigures all = s.allKinds();   // every kind pooled, the gate's "*" rows
 * }</pre>
 *
 * @param good requests meeting every latency objective (goodput x step window, rounded)
 */
public record StepFigures(String id, double offered, String unit, String network, double durationSeconds,
    long sent, long ok, long good, Map<String, KindFigures> kinds) {

  /** Key of the pooled rows. */
  public static final String ALL_KINDS = "*";

  public StepFigures {
    kinds = java.util.Collections.unmodifiableMap(new TreeMap<>(kinds));
  }

  /**
   * Every kind pooled: counts summed, histograms added; per-second series pooled second by second
   * for a metric only when every kind that has the metric kept them, per-second counts only when
   * every kind kept them.
   */
  public KindFigures allKinds() {
    Map<String, Histogram> pooled = new LinkedHashMap<>();
    Map<String, SecondSeries> seconds = new LinkedHashMap<>();
    java.util.Set<String> incomplete = new java.util.HashSet<>();
    long sentAll = 0;
    long okAll = 0;
    CountSeries counts = null;
    boolean allCounted = !kinds.isEmpty();
    for (KindFigures k : kinds.values()) {
      if (k.counts() == null) {
        allCounted = false;
      } else {
        counts = counts == null ? k.counts() : counts.plus(k.counts());
      }
      sentAll += k.sent();
      okAll += k.ok();
      for (var e : k.histograms().entrySet()) {
        pooled.computeIfAbsent(e.getKey(), x -> RunFigures.newHistogram()).add(e.getValue());
        SecondSeries ks = k.perSecond().get(e.getKey());
        if (ks == null) {
          incomplete.add(e.getKey());
        } else {
          seconds.merge(e.getKey(), ks, SecondSeries::plus);
        }
      }
    }
    incomplete.forEach(seconds::remove);
    return new KindFigures(sentAll, okAll, pooled, seconds, allCounted ? counts : null);
  }

  /** The kind's figures, {@link #allKinds()} for {@code *}, or null when the step has none of it. */
  public KindFigures kind(String kind) {
    return ALL_KINDS.equals(kind) ? allKinds() : kinds.get(kind);
  }
}
