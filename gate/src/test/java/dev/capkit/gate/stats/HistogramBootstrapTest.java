package dev.capkit.gate.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramBootstrapTest {
  private final RegressionStatistics stats = RegressionStatistics.standard();

  static Histogram lognormal(Random r, int n, double medianMicros, double sigma, double scale) {
    Histogram h = new Histogram(1, 3_600_000_000L, 3);
    for (int i = 0; i < n; i++) {
      h.recordValue(Math.round(scale * medianMicros * Math.exp(sigma * r.nextGaussian())));
    }
    return h;
  }

  /** Known answer: two iid samples of one distribution; the 95% interval should exclude 0 about 5% of the time. */
  @Test
  void intervalCoversNoChangeForIidSamplesOfOneDistribution() {
    Random r = new Random(1);
    int pairs = 400;
    int excluded = 0;
    for (int i = 0; i < pairs; i++) {
      var a = EmpiricalDistribution.of(lognormal(r, 400, 2_000_000, 0.5, 1));
      var b = EmpiricalDistribution.of(lognormal(r, 400, 2_000_000, 0.5, 1));
      Estimate e = stats.quantileChange(a, b, 0.99, 0.95, i);
      if (e.low() > 0 || e.high() < 0) {
        excluded++;
      }
    }
    // binomial(400, 0.05): mean 20, sd 4.4; the bootstrap of an extreme quantile is known to be a little liberal
    assertTrue(excluded <= 40, "interval excluded no change in " + excluded + " of " + pairs + " iid pairs");
  }

  @Test
  void detectsATwentyPercentShiftWithFourHundredSamples() {
    Random r = new Random(2);
    int caught = 0;
    for (int i = 0; i < 100; i++) {
      var a = EmpiricalDistribution.of(lognormal(r, 400, 2_000_000, 0.3, 1));
      var b = EmpiricalDistribution.of(lognormal(r, 400, 2_000_000, 0.3, 1.2));
      if (stats.quantileChange(a, b, 0.99, 0.95, i).low() > 0) {
        caught++;
      }
    }
    assertTrue(caught >= 50, "caught " + caught + " of 100");
  }

  /** The Beta shortcut and literal resampling of n values from the histogram's counts give the same distribution. */
  @Test
  void betaShortcutMatchesLiteralResampling() {
    Random r = new Random(3);
    EmpiricalDistribution d = EmpiricalDistribution.of(lognormal(r, 500, 1_000_000, 0.6, 1));
    int n = (int) d.count();
    int k = (int) Math.ceil(0.99 * n);
    int reps = 4000;
    double[] literal = new double[reps];
    long[] sample = new long[n];
    for (int i = 0; i < reps; i++) {
      for (int j = 0; j < n; j++) {
        sample[j] = d.inverse((r.nextInt(n) + 1.0) / n); // one of the n recorded values, uniformly
      }
      Arrays.sort(sample);
      literal[i] = sample[k - 1];
    }
    var beta = new org.apache.commons.math3.distribution.BetaDistribution(new org.apache.commons.math3.random.Well19937c(4), k, n + 1 - k);
    double[] shortcut = new double[reps];
    for (int i = 0; i < reps; i++) {
      shortcut[i] = d.inverse(beta.sample());
    }
    Arrays.sort(literal);
    Arrays.sort(shortcut);
    for (double p : new double[] {0.05, 0.25, 0.5, 0.75, 0.95}) {
      double a = literal[(int) (p * reps)];
      double b = shortcut[(int) (p * reps)];
      assertEquals(a, b, 0.03 * a, "quantile " + p + " of the resampled p99");
    }
  }

  @Test
  void undefinedWithTooFewSamplesSayingHowManyAreNeeded() {
    Random r = new Random(5);
    Estimate e = stats.quantileChange(EmpiricalDistribution.of(lognormal(r, 299, 1000, 0.5, 1)),
        EmpiricalDistribution.of(lognormal(r, 1000, 1000, 0.5, 1)), 0.99, 0.95, 1);
    assertFalse(e.defined());
    assertTrue(e.undefinedReason().contains("baseline has 299, p99 needs >= 300"), e.undefinedReason());
    assertTrue(stats.quantileChange(EmpiricalDistribution.of(lognormal(r, 300, 1000, 0.5, 1)),
        EmpiricalDistribution.of(lognormal(r, 300, 1000, 0.5, 1)), 0.99, 0.95, 1).defined());
  }

  /** Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80, method 10: 0.0524 to 0.3339. */
  @Test
  void newcombeHybridScoreKnownAnswer() {
    Estimate e = stats.proportionChange(48, 80, 56, 70, 0.95);
    assertEquals(0.2, e.point(), 1e-12);
    assertEquals(0.0524, e.low(), 0.00005);
    assertEquals(0.3339, e.high(), 0.00005);
  }

  @Test
  void proportionAtZeroEventsStillHasAnInterval() {
    Estimate e = stats.proportionChange(0, 300, 0, 300, 0.95);
    assertEquals(0, e.point());
    assertTrue(e.low() < 0 && e.high() > 0, e.toString());
    assertFalse(stats.proportionChange(0, 29, 0, 300, 0.95).defined());
  }

  @Test
  void sameInputsAndSeedGiveTheSameInterval() {
    Random r = new Random(6);
    var a = EmpiricalDistribution.of(lognormal(r, 400, 1000, 0.5, 1));
    var b = EmpiricalDistribution.of(lognormal(r, 400, 1000, 0.5, 1));
    assertEquals(stats.quantileChange(a, b, 0.99, 0.95, 9), stats.quantileChange(a, b, 0.99, 0.95, 9));
  }

  @Test
  void quantileMatchesHdrHistogram() {
    Histogram h = lognormal(new Random(7), 777, 5000, 0.8, 1);
    EmpiricalDistribution d = EmpiricalDistribution.of(h);
    assertEquals(h.getValueAtPercentile(99), d.quantile(0.99));
    assertEquals(h.getValueAtPercentile(50), d.quantile(0.5));
  }
}
