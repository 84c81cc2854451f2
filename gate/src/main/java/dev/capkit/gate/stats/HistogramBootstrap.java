package dev.capkit.gate.stats;

import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * {@link RegressionStatistics} by bootstrap over the histograms themselves (commons-math3 inside).
 *
 * <p>Quantile change: each replicate resamples {@code n} values with replacement from each
 * histogram's counts and takes the ratio of the two resampled quantiles; the interval is the
 * percentile interval of the replicates. The k-th smallest of n values resampled from an empirical
 * distribution is that distribution's quantile function at {@code U ~ Beta(k, n + 1 - k)} (the k-th
 * order statistic of n uniforms), so each replicate is drawn exactly with one Beta draw per side
 * instead of n multinomial draws (the test checks both agree).
 *
 * <p>Proportion change: Newcombe's hybrid score interval (Wilson score intervals of each side
 * combined), which stays honest at 0 events, where a bootstrap collapses to a point.
 *
 * <pre>{@code
 * var stats = new HistogramBootstrap(10_000, 3, 30);
 * Estimate e = stats.quantileChange(base, current, 0.99, 0.95, 42);
 * }</pre>
 */
public final class HistogramBootstrap implements RegressionStatistics {
  private final int resamples;
  private final int minTail;
  private final int minTrials;

  public HistogramBootstrap(int resamples, int minTail, int minTrials) {
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be >= 100, got " + resamples);
    }
    this.resamples = resamples;
    this.minTail = minTail;
    this.minTrials = minTrials;
  }

  @Override
  public String method() {
    return String.format(Locale.ROOT, "p99 changes: bootstrap percentile interval, %,d resamples of each histogram's counts"
        + " (drawn exactly via the Beta law of the order statistic), needs >= %d samples beyond the quantile on each side;"
        + " errors and goodput: Newcombe hybrid score interval for a difference of proportions, needs >= %d requests",
        resamples, minTail, minTrials);
  }

  @Override
  public Estimate quantileChange(EmpiricalDistribution baseline, EmpiricalDistribution current, double q, double confidence, long seed) {
    String few = tooFew("baseline", baseline.count(), q);
    if (few == null) {
      few = tooFew("current", current.count(), q);
    }
    if (few != null) {
      return Estimate.undefined(few);
    }
    double base = baseline.quantile(q);
    double point = current.quantile(q) / base - 1;
    RandomGenerator random = new Well19937c(seed);
    BetaDistribution b = orderStatistic(random, baseline.count(), q);
    BetaDistribution c = orderStatistic(random, current.count(), q);
    double[] changes = new double[resamples];
    for (int i = 0; i < resamples; i++) {
      changes[i] = (double) current.inverse(c.sample()) / baseline.inverse(b.sample()) - 1;
    }
    Arrays.sort(changes);
    double tail = (1 - confidence) / 2;
    return new Estimate(point, at(changes, tail), at(changes, 1 - tail), confidence, null);
  }

  @Override
  public Estimate proportionChange(long baselineEvents, long baselineN, long currentEvents, long currentN, double confidence) {
    if (baselineN < minTrials || currentN < minTrials) {
      return Estimate.undefined(String.format(Locale.ROOT, "too few requests to judge a rate: baseline %d, current %d (need >= %d each)",
          baselineN, currentN, minTrials));
    }
    double z = new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - (1 - confidence) / 2);
    double p1 = (double) baselineEvents / baselineN;
    double p2 = (double) currentEvents / currentN;
    double[] w1 = wilson(p1, baselineN, z);
    double[] w2 = wilson(p2, currentN, z);
    double d = p2 - p1;
    double low = d - Math.sqrt(sq(p2 - w2[0]) + sq(w1[1] - p1));
    double high = d + Math.sqrt(sq(w2[1] - p2) + sq(p1 - w1[0]));
    return new Estimate(d, low, high, confidence, null);
  }

  private String tooFew(String side, long n, double q) {
    long needed = (long) Math.ceil(minTail / (1 - q) - 1e-9);
    if (n < needed) {
      return String.format(Locale.ROOT, "too few samples: %s has %d, p%s needs >= %d (%d beyond it)",
          side, n, percentLabel(q), needed, minTail);
    }
    return null;
  }

  private static BetaDistribution orderStatistic(RandomGenerator random, long n, double q) {
    long k = Math.max(1, (long) Math.ceil(q * n));
    return new BetaDistribution(random, k, n + 1 - k);
  }

  private static double at(double[] sorted, double p) {
    int i = (int) Math.floor(p * (sorted.length - 1));
    double frac = p * (sorted.length - 1) - i;
    return i + 1 < sorted.length ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
  }

  private static double[] wilson(double p, long n, double z) {
    double denominator = 1 + z * z / n;
    double centre = (p + z * z / (2.0 * n)) / denominator;
    double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  private static double sq(double x) {
    return x * x;
  }

  static String percentLabel(double q) {
    double p = q * 100;
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }
}
