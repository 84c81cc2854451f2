package dev.capkit.gate.stats;

/**
 * The block length of the moving-block bootstrap, chosen from the data: Politis and White's (2004)
 * automatic rule with Patton, Politis and White's (2009) correction for the moving-block bootstrap,
 * applied to a per-second series. Pure function.
 *
 * <p>With {@code R(k)} the series' autocovariances, {@code m} the smallest lag after which
 * {@code K = max(5, sqrt(log10 n))} autocorrelations in a row stay below {@code 2 sqrt(log10 n / n)},
 * {@code M = 2m} and the flat-top window {@code w(s) = 1 (|s| <= 1/2), 2(1 - |s|) (|s| <= 1), 0},
 * {@code G = sum_{|k| <= M} w(k/M) |k| R(k)}, {@code g = sum_{|k| <= M} w(k/M) R(k)}; the block length
 * is {@code (2 G^2 / ((4/3) g^2))^(1/3) n^(1/3)}. For an AR(1) series with coefficient {@code phi} it
 * tends to {@code (6 phi^2 / (1 - phi^2)^2)^(1/3) n^(1/3)} (the test checks this).
 *
 * <pre>{@code
 * double b = BlockLength.politisWhite(perSecondTailCounts);   // e.g. 11.7 for AR(1) phi 0.5, n 600
 * }</pre>
 */
public final class BlockLength {
  private BlockLength() {}

  /** The estimated block length (>= 1; 1 when the series is constant or shows no dependence). */
  public static double politisWhite(double[] x) {
    int n = x.length;
    if (n < 8) {
      return 1;
    }
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    int maxLag = Math.min(n - 1, (int) Math.ceil(Math.sqrt(n)) + lagsInRow(n));
    double[] r = new double[maxLag + 1];
    for (int k = 0; k <= maxLag; k++) {
      double s = 0;
      for (int t = 0; t + k < n; t++) {
        s += (x[t] - mean) * (x[t + k] - mean);
      }
      r[k] = s / n;
    }
    if (r[0] <= 0) {
      return 1;
    }
    double threshold = 2 * Math.sqrt(Math.log10(n) / n);
    int kn = lagsInRow(n);
    int m = maxLag - kn; // if no run of small correlations is found, the largest lag the series supports
    for (int lag = 0; lag + kn <= maxLag; lag++) {
      boolean small = true;
      for (int j = 1; j <= kn && small; j++) {
        small = Math.abs(r[lag + j] / r[0]) < threshold;
      }
      if (small) {
        m = lag;
        break;
      }
    }
    int bigM = Math.min(2 * m, maxLag);
    if (bigM == 0) {
      return 1;
    }
    double g = r[0];
    double bigG = 0;
    for (int k = 1; k <= bigM; k++) {
      double w = flatTop((double) k / bigM);
      g += 2 * w * r[k];
      bigG += 2 * w * k * r[k];
    }
    if (g <= 0) {
      return 1;
    }
    double d = 4.0 / 3.0 * g * g;
    double b = Math.cbrt(2 * bigG * bigG / d) * Math.cbrt(n);
    return Math.max(1, b);
  }

  private static int lagsInRow(int n) {
    return Math.max(5, (int) Math.ceil(Math.sqrt(Math.log10(n))));
  }

  private static double flatTop(double s) {
    double a = Math.abs(s);
    return a <= 0.5 ? 1 : a <= 1 ? 2 * (1 - a) : 0;
  }
}
