package dev.capkit.gate.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Known answers for the minimum detectable change, and a simulation of the rule it promises. */
class DetectableChangeTest {
  private static final double Z99 = 2.5758293035489;   // normal quantile of 0.995
  private static final double Z95 = 1.959963984540054; // of 0.975
  private static final double ZP = 1.6448536269514722; // of 0.95: the power
  private static final double K = DetectableChange.RERUN_SPREAD; // latency p99s: between-run scatter over the interval's

  /** A log-symmetric 99% interval of half-width z se: detectable = exp(z se + z_power se) - 1 once that exceeds the tolerance. */
  @Test
  void ratioFromTheIntervalWidth() {
    double se = 0.05;
    Estimate e = new Estimate(0, Math.expm1(-Z99 * se), Math.expm1(Z99 * se), 0.99, null);
    assertEquals(Math.expm1(Z99 * se + ZP * K * se), DetectableChange.ofRatio(e, 0.10), 1e-9);
    assertEquals(0.3408, DetectableChange.ofRatio(e, 0.10), 5e-4);
  }

  /** A narrow interval: the tolerance is the threshold, plus the scatter of the estimate. */
  @Test
  void ratioBoundedByTheTolerance() {
    double se = 0.001;
    Estimate e = new Estimate(0.03, Math.expm1(Math.log1p(0.03) - Z95 * se), Math.expm1(Math.log1p(0.03) + Z95 * se), 0.95, null);
    assertEquals(Math.expm1(Math.log1p(0.10) + ZP * K * se), DetectableChange.ofRatio(e, 0.10), 1e-9);
  }

  @Test
  void differencesUpAndDown() {
    Estimate errors = new Estimate(0.01, 0.0, 0.03, 0.95, null);
    assertEquals(0.01 + ZP * 0.015 / Z95, DetectableChange.ofDifference(errors, 0.005, false), 1e-12);
    Estimate goodput = new Estimate(-0.01, -0.07, 0.03, 0.95, null); // a fall: the upper half-width is the threshold
    assertEquals(0.05 + ZP * 0.05 / Z95, DetectableChange.ofDifference(goodput, 0.05, true), 1e-12);
    Estimate wide = new Estimate(-0.01, -0.07, 0.09, 0.95, null);
    assertEquals(0.10 + ZP * 0.08 / Z95, DetectableChange.ofDifference(wide, 0.05, true), 1e-12);
  }

  /** A skewed interval: the lower half-width is the threshold, the whole width sizes the estimate's scatter. */
  @Test
  void skewedRatioInterval() {
    Estimate e = new Estimate(0.0, -0.05, 0.25, 0.99, null);
    double h = -Math.log1p(-0.05);
    double se = (Math.log1p(0.25) - Math.log1p(-0.05)) / (2 * Z99);
    assertEquals(Math.expm1(Math.log1p(0.10) + ZP * K * se), DetectableChange.ofRatio(e, 0.10), 1e-9); // h 0.051 < ln 1.1
    assertEquals(Math.expm1(h + ZP * K * se), DetectableChange.ofRatio(e, 0.01), 1e-9);
  }

  @Test
  void undefinedHasNone() {
    assertTrue(Double.isNaN(DetectableChange.ofRatio(Estimate.undefined("too few"), 0.1)));
    assertTrue(Double.isNaN(DetectableChange.ofDifference(Estimate.undefined("too few"), 0.005, false)));
  }

  /**
   * The promise itself: a true change of the stated size, observed with normal error of the assumed between-run spread and
   * judged by the gate's rule (change beyond the tolerance and interval above zero), is caught 95% of the time.
   */
  @Test
  void aChangeOfTheStatedSizeIsCaughtNinetyFivePercentOfTheTime() {
    Random r = new Random(17);
    for (double se : new double[] {0.01, 0.05, 0.2}) {
      Estimate shape = new Estimate(0, Math.expm1(-Z99 * se), Math.expm1(Z99 * se), 0.99, null);
      double trueLog = Math.log1p(DetectableChange.ofRatio(shape, 0.10));
      int caught = 0;
      int n = 40_000;
      for (int i = 0; i < n; i++) { // the estimate scatters between runs by RERUN_SPREAD times the interval's standard error
        double observed = trueLog + K * se * r.nextGaussian();
        if (Math.expm1(observed) > 0.10 && observed - Z99 * se > 0) {
          caught++;
        }
      }
      assertEquals(0.95, (double) caught / n, 0.005, "se " + se); // binomial sd 0.0011
    }
  }
}
