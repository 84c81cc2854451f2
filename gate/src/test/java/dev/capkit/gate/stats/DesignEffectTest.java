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
