package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.planner.capacity.Knee;
import dev.capkit.planner.capacity.KneeFinder;
import dev.capkit.planner.capacity.LatencyQuantiles;
import dev.capkit.planner.stats.Statistics;
import dev.capkit.planner.stats.UslFit;
import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The statistics interface, the USL fit and Kneedle on known answers, and their "undefined" cases. */
class StatisticsTest {
  private final Statistics stats = Statistics.standard();

  @Test
  void uslFitRecoversKnownParameters() {
    double lambda = 0.9;
    double sigma = 0.05;
    double kappa = 0.002;
    double[] n = {1, 2, 4, 8, 16, 32, 48, 64};
    double[] x = Arrays.stream(n).map(v -> lambda * v / (1 + sigma * (v - 1) + kappa * v * (v - 1))).toArray();
    UslFit fit = stats.fitUsl(n, x);
    assertTrue(fit.defined(), fit.undefinedReason());
    assertEquals(lambda, fit.lambda(), 1e-4);
    assertEquals(sigma, fit.sigma(), 1e-4);
    assertEquals(kappa, fit.kappa(), 1e-5);
    assertEquals(1.0, fit.rSquared(), 1e-9);
    assertEquals(Math.sqrt((1 - sigma) / kappa), fit.peakConcurrency(), 1e-2);
  }

  @Test
  void tooSmallSamplesAnswerUndefinedOrNaN() {
    UslFit fit = stats.fitUsl(new double[] {1, 2, 2}, new double[] {1, 1.8, 1.9});
    assertFalse(fit.defined());
    assertTrue(fit.undefinedReason().startsWith("undefined, because"), fit.undefinedReason());
    assertTrue(Double.isNaN(fit.peakThroughput()));
    assertEquals(0, stats.bootstrapQuantile(q -> q, 0, 0.99, 100, 1).length);
    assertEquals(0, stats.bootstrapProportion(0, 0, 100, 1).length);
    assertTrue(Double.isNaN(stats.quantile(new double[0], 0.5)));
    assertTrue(Double.isNaN(LatencyQuantiles.ofMicros(new Histogram(3)).at(0.99)));
  }

  @Test
  void bootstrapOfAQuantileCentresOnTheSampleQuantile() {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 10_000; i++) {
      h.recordValue(i * 100L); // 0.1 .. 1000 ms, uniform
    }
    LatencyQuantiles q = LatencyQuantiles.ofMicros(h);
    assertEquals(h.getValueAtPercentile(99) / 1000.0, q.at(0.99), 1e-9);
    double[] reps = stats.bootstrapQuantile(q::at, q.count(), 0.99, 2000, 3);
    double median = stats.quantile(reps, 0.5);
    assertEquals(990, median, 2);
    // Standard error of a p99 of 10,000 uniform values: sqrt(p(1-p)/n) x range ~ 1 ms.
    double spread = stats.quantile(reps, 0.975) - stats.quantile(reps, 0.025);
    assertTrue(spread > 2 && spread < 6, "95% spread " + spread);
    double[] same = stats.bootstrapQuantile(q::at, q.count(), 0.99, 2000, 3);
    assertEquals(Arrays.toString(reps), Arrays.toString(same), "seeded: reproducible");
  }

  @Test
  void kneedleFindsTheElbowOfALatencyCurve() {
    // Latency of an M/M/1 queue, 1/(1 - rho): flat, then bending up sharply near rho = 0.8.
    double[] rho = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
    double[] latency = Arrays.stream(rho).map(r -> 1 / (1 - r)).toArray();
    Knee k = new KneeFinder(1.0).find(rho, latency, "e2e.p99");
    assertTrue(k.defined(), k.undefinedReason());
    assertEquals(0.8, k.rate(), 1e-9);
  }

  @Test
  void kneedleSaysUndefinedWithoutAKnee() {
    assertFalse(new KneeFinder(1).find(new double[] {1, 2, 3}, new double[] {1, 2, 9}, "e2e.p99").defined());
    Knee straight = new KneeFinder(1).find(new double[] {1, 2, 3, 4, 5}, new double[] {1, 2, 3, 4, 5}, "e2e.p99");
    assertFalse(straight.defined());
    assertTrue(straight.undefinedReason().contains("no knee"), straight.undefinedReason());
    assertFalse(new KneeFinder(1).find(new double[] {1, 2, 3, 4}, new double[] {5, 5, 5, 5}, "e2e.p99").defined());
  }
}
