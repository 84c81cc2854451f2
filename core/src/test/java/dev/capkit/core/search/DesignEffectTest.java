package dev.capkit.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The design effect of clustered slow requests: a known answer, ~1 for independent requests. */
class DesignEffectTest {

  @Test
  void allSlowRequestsInOneBatchKnownAnswer() {
    // 2,000 requests over 1,000 s; the 40 slowest (2%) all in the first 100 s (one of 10 batches):
    // e = [40, 0 x 9], n_b = 200, p = 0.02: 10/9 * ((40 - 4)^2 + 9 * 4^2) / (2000 * 0.02 * 0.98) = 40.82
    int n = 2000;
    double[] sent = new double[n];
    double[] e2e = new double[n];
    for (int i = 0; i < n; i++) {
      sent[i] = i * 0.5;
      e2e[i] = i < 40 ? 20 + i : 1 + (i % 7) * 0.1;
    }
    assertEquals(10.0 / 9 * (36.0 * 36 + 9 * 16) / (n * 0.02 * 0.98), DesignEffect.of(sent, e2e, 0.01), 1e-9);
  }

  @Test
  void independentRequestsGiveAboutOne() {
    double[] d = new double[101];
    for (int s = 0; s < d.length; s++) {
      SplittableRandom r = new SplittableRandom(s);
      double[] sent = new double[1000];
      double[] e2e = new double[1000];
      for (int i = 0; i < sent.length; i++) {
        sent[i] = r.nextDouble() * 1000;
        e2e[i] = Math.exp(r.nextGaussian());
      }
      d[s] = DesignEffect.of(sent, e2e, 0.01);
    }
    Arrays.sort(d);
    // batch-means variance over 10 batches is chi-square(9)/9 around 1, floored at 1: median ~1, rarely above 2.5
    assertTrue(d[50] < 1.25, "median design effect of independent requests: " + d[50]);
    assertTrue(d[95] < 2.5, "95th percentile: " + d[95]);
  }

  @Test
  void tooFewRequestsOrNoSpreadIsOne() {
    assertEquals(1, DesignEffect.of(new double[] {1, 2, 3}, new double[] {1, 9, 1}, 0.01));
    double[] same = new double[100];
    double[] e2e = new double[100];
    e2e[3] = 10;
    assertEquals(1, DesignEffect.of(same, e2e, 0.01), "all sent at once: no time to cluster in");
    assertThrows(IllegalArgumentException.class, () -> DesignEffect.of(new double[2], new double[3], 0.01));
  }
}
