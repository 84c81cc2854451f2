package dev.capkit.gate.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Politis-White block length against its known limit for AR(1) series, and for independent ones. */
class BlockLengthTest {
  static double[] ar1(Random r, int n, double phi) {
    double[] x = new double[n];
    double v = r.nextGaussian() / Math.sqrt(1 - phi * phi);
    for (int t = 0; t < n; t++) {
      v = phi * v + r.nextGaussian();
      x[t] = v;
    }
    return x;
  }

  private static double meanOver(int series, int n, double phi, long seed) {
    Random r = new Random(seed);
    double sum = 0;
    for (int i = 0; i < series; i++) {
      sum += BlockLength.politisWhite(ar1(r, n, phi));
    }
    return sum / series;
  }

  /** (6 phi^2 / (1 - phi^2)^2)^(1/3) n^(1/3): 11.7 for phi 0.5, n 600; 27.5 for phi 0.8. */
  @Test
  void ar1MatchesTheTheoreticalOptimumWithinItsEstimationNoise() {
    for (double phi : new double[] {0.5, 0.8}) {
      double theory = Math.cbrt(6 * phi * phi / Math.pow(1 - phi * phi, 2)) * Math.cbrt(600);
      double estimated = meanOver(100, 600, phi, 1);
      assertEquals(theory, estimated, 0.3 * theory, "phi " + phi);
    }
  }

  @Test
  void independentSeriesNeedNoLongBlocks() {
    assertTrue(meanOver(100, 600, 0, 2) < 3, "iid: " + meanOver(100, 600, 0, 2));
    assertEquals(1, BlockLength.politisWhite(new double[600]), "constant series");
    assertEquals(1, BlockLength.politisWhite(new double[] {1, 2, 3}), "too short to say");
  }
}
