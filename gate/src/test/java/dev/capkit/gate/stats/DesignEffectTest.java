package dev.capkit.gate.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class DesignEffectTest {
  private static final int SECONDS = 600;
  private static final int PER_SECOND = 8;

  /** Slow requests (10% of all) placed independently: the share varies as for independent requests. */
  @Test
  void independentSlowRequestsGiveAboutOne() {
    Random r = new Random(1);
    List<long[]> seconds = new ArrayList<>();
    for (int s = 0; s < SECONDS; s++) {
      long[] v = new long[PER_SECOND];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextDouble() < 0.1 ? 5_000_000 + r.nextInt(1_000_000) : 500_000 + r.nextInt(100_000);
      }
      seconds.add(v);
    }
    double deff = DesignEffect.of(SecondSeries.ofValues(seconds), 0.1, 20, new Well19937c(7), 2_000);
    assertTrue(deff < 1.3, "independent: " + deff);
  }

  /**
   * Slow requests in bursts of 20 whole seconds (one burst in ten): a share of n requests varies like
   * a share of n / 160 bursts' worth, so the design effect is about the burst's size in requests
   * (8 x 20 = 160 requests move together), far above 1.
   */
  @Test
  void burstsOfSlowRequestsGiveALargeDesignEffect() {
    Random r = new Random(2);
    List<long[]> seconds = new ArrayList<>();
    for (int s = 0; s < SECONDS; s++) {
      boolean burst = (s / 20) % 10 == 3 || ((s / 20) % 10 == 7 && r.nextBoolean());
      long[] v = new long[PER_SECOND];
      for (int i = 0; i < v.length; i++) {
        v[i] = burst ? 5_000_000 + r.nextInt(1_000_000) : 500_000 + r.nextInt(100_000);
      }
      seconds.add(v);
    }
    SecondSeries series = SecondSeries.ofValues(seconds);
    double share = 0.1;
    double deff = DesignEffect.of(series, share, 30, new Well19937c(7), 2_000);
    assertTrue(deff > 10, "bursts: " + deff);
  }

  /**
   * From counts second by second (the run folder's counts.csv): 8 requests a second, 10% missing
   * independently gives about 1; all 8 missing in bursts of 20 whole seconds (one in ten) gives about
   * the burst's 160 requests; nothing missed gives 1. The estimate itself varies: with {@code b}
   * blocks' worth of seconds its relative standard error is about {@code sqrt(2 / b)} (26% for 600 s
   * in blocks of 20; one seed gave 1.44), so the independent case runs 6,000 s (300 blocks, 8%) and is
   * held to 0.75-1.3.
   */
  @Test
  void fromCountsIndependentMissesGiveAboutOneBurstsTheBurstSize() {
    Random r = new Random(3);
    int seconds = 10 * SECONDS;
    long[] trials = new long[seconds];
    long[] independent = new long[seconds];
    long[] bursts = new long[seconds];
    for (int s = 0; s < seconds; s++) {
      trials[s] = PER_SECOND;
      for (int i = 0; i < PER_SECOND; i++) {
        independent[s] += r.nextDouble() < 0.1 ? 1 : 0;
      }
      bursts[s] = (s / 20) % 10 == 3 ? PER_SECOND : 0;
    }
    double one = DesignEffect.ofCounts(independent, trials, 20, new Well19937c(7), 2_000);
    double many = DesignEffect.ofCounts(bursts, trials, 30, new Well19937c(7), 2_000);
    assertTrue(one > 0.75 && one < 1.3, "independent: " + one);
    assertTrue(many > 60 && many < 400, "bursts of 160 requests: " + many);
    assertEquals(1.0, DesignEffect.ofCounts(new long[seconds], trials, 20, new Well19937c(7), 500), "no misses");
  }

  @Test
  void nothingToEstimateGivesOne() {
    List<long[]> seconds = new ArrayList<>();
    for (int s = 0; s < SECONDS; s++) {
      seconds.add(new long[] {1000, 2000});
    }
    SecondSeries series = SecondSeries.ofValues(seconds);
    assertEquals(1.0, DesignEffect.of(series, 0, 20, new Well19937c(1), 500));
    assertEquals(1.0, DesignEffect.of(series, 1, 20, new Well19937c(1), 500));
    assertEquals(1.0, DesignEffect.of(SecondSeries.ofValues(seconds.subList(0, 30)), 0.5, 20, new Well19937c(1), 500), "fewer than two blocks");
  }

  /** Wider goodput intervals for dependent requests: n / deff requests, the point estimate unchanged. */
  @Test
  void designEffectWidensTheProportionInterval() {
    var stats = new HistogramBootstrap(1_000, 3, 30, 5, 4);
    Estimate plain = stats.proportionChange(900, 1000, 880, 1000, 0.95);
    Estimate wide = stats.proportionChange(900, 1000, 880, 1000, 0.95, 4, 4);
    assertEquals(plain.point(), wide.point(), 1e-12);
    assertTrue(wide.high() - wide.low() > 1.8 * (plain.high() - plain.low()), plain + " vs " + wide);
    assertEquals(plain.low(), stats.proportionChange(900, 1000, 880, 1000, 0.95, 1, 1).low(), 1e-12);
  }
}
