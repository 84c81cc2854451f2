package dev.capkit.gate;

import dev.capkit.gate.stats.DetectableChange;
import dev.capkit.gate.stats.Estimate;

/**
 * One row of the gate's verdict: a metric of one request kind in one step, baseline against current.
 *
 * <pre>{@code
 * Comparison c = verdict.comparisons().get(0);
 * c.step() + " " + c.kind() + " " + c.metric().key() + " " + c.verdict().label()
 * }</pre>
 *
 * @param kind          request kind, or {@code *} for all kinds pooled
 * @param baseline      measured baseline value: milliseconds for latencies, a share (0..1) for rates; NaN when absent
 * @param current       measured current value in the same unit; NaN when absent
 * @param change        derived: relative change for latencies, difference in points (as a share) for rates
 * @param interval      derived: the change's confidence interval, or undefined with the reason
 * @param tolerance     allowed worsening in the change's unit
 * @param required      an undecided required row makes the input unusable (exit 2); per-kind rows are not required
 * @param baselineCount samples (latency) or requests (rates) behind the baseline value
 * @param currentCount  the same for the current value
 * @param reason        why the verdict is what it is, one sentence
 */
public record Comparison(String step, String kind, GatedMetric metric, double baseline, double current, double change,
    Estimate interval, double tolerance, Verdict verdict, boolean required, long baselineCount, long currentCount,
    String reason) {

  /**
   * Derived: the smallest worsening this comparison would call a regression with 95% probability at its sample
   * by its own interval ({@link DetectableChange}): a relative change for latencies, a share (a fall for goodput)
   * for rates; NaN when undecided. Approximate: reruns differ more than one run's sampling spread, so for latency
   * p99s a worsening of this size is caught less often than 95% (gate/README.md, "Power").
   */
  public double detectable() {
    return metric.latency() ? DetectableChange.ofRatio(interval, tolerance)
        : DetectableChange.ofDifference(interval, tolerance, metric == GatedMetric.GOODPUT);
  }

  /**
   * {@link #detectable()} as the gate writes it: {@code +12.3%} for a latency, {@code +1.2pp} for errors and
   * {@code -1.2pp} for goodput (a fall); null when undecided.
   */
  public String detectableText() {
    double d = detectable();
    if (Double.isNaN(d)) {
      return null;
    }
    return metric.latency() ? String.format(java.util.Locale.ROOT, "+%.1f%%", d * 100)
        : String.format(java.util.Locale.ROOT, "%s%.1fpp", metric == GatedMetric.GOODPUT ? "-" : "+", d * 100);
  }

  /** JUnit-style name: {@code s00-qps1-none phone-step e2e.p99}. */
  public String name() {
    return step + " " + kind + " " + metric.key();
  }
}
