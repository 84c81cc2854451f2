package dev.capkit.gate.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The smallest worsening a comparison would call a regression with {@value #POWER_PERCENT}% probability
 * at its sample (its minimum detectable change): what a verdict can promise, and what it cannot. A
 * comparison is a regression when its change exceeds the tolerance and its interval excludes no
 * change, i.e. (the interval keeping its shape) when the observed change exceeds both the tolerance
 * and the interval's half-width {@code h} on the side of no change. The observed change scatters
 * around the true one with standard error {@code se = width / 2z} (the whole interval's width: a p99's
 * bootstrap interval is skewed, its lower half the narrower), {@code z} the normal quantile of the
 * interval's confidence; it exceeds that threshold with probability {@code POWER} when the true change
 * is at least {@code threshold + z_POWER se}. Latency ratios are taken on the log scale, differences
 * of proportions as they are.
 *
 * <p>For latency p99s the interval's width understates how much the change scatters from one pair of
 * runs to the next (reruns bring other arrivals and answers; near saturation, whether a run queues at
 * all), so their standard error is taken {@link #RERUN_SPREAD} times wider, a factor measured in
 * virtual time; gate/README.md ("Power") gives how often a worsening of the stated size was caught.
 *
 * <pre>{@code
 * DetectableChange.ofRatio(new Estimate(0.02, -0.08, 0.13, 0.99, null), 0.10)   // about +0.17: +17% is caught 95% of the time
 * }</pre>
 */
public final class DetectableChange {
  /** The probability of catching a worsening of the stated size. */
  public static final double POWER = 0.95;
  static final int POWER_PERCENT = 95;
  /**
   * How much more a latency p99's change scatters between pairs of runs than its bootstrap interval says, as a factor on
   * the standard error: 1.0 to 1.8 by metric and load (gate/README.md, "Power": virtual-time pairs at low load and near
   * saturation, real pairs), rounded up. One run's resampling cannot show what a rerun changes (other arrivals and
   * answers; near saturation, whether it queues at all).
   */
  public static final double RERUN_SPREAD = 2.0;
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  private DetectableChange() {}

  /**
   * For a relative change ({@code current/baseline - 1}, higher is worse) with tolerance {@code tolerance}
   * (e.g. 0.10): the smallest detectable relative worsening; NaN when the estimate is undefined.
   */
  public static double ofRatio(Estimate e, double tolerance) {
    if (!e.defined() || !(e.low() > -1)) {
      return Double.NaN;
    }
    double h = Math.max(0, Math.log1p(e.point()) - Math.log1p(e.low()));
    double se = RERUN_SPREAD * (Math.log1p(e.high()) - Math.log1p(e.low())) / (2 * z(e.confidence()));
    return Math.expm1(Math.max(h, Math.log1p(tolerance)) + zPower() * se);
  }

  /**
   * For a difference of proportions (as a share): the smallest detectable worsening, a rise when
   * {@code higherIsBetter} is false (errors), a fall when true (goodput), as a positive share; NaN when undefined.
   */
  public static double ofDifference(Estimate e, double tolerance, boolean higherIsBetter) {
    if (!e.defined()) {
      return Double.NaN;
    }
    double h = Math.max(0, higherIsBetter ? e.high() - e.point() : e.point() - e.low());
    double se = (e.high() - e.low()) / (2 * z(e.confidence()));
    return Math.max(h, tolerance) + zPower() * se;
  }

  private static double z(double confidence) {
    return NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
  }

  private static double zPower() {
    return NORMAL.inverseCumulativeProbability(POWER);
  }
}
