package dev.capkit.planner.stats;

import java.util.function.DoubleUnaryOperator;

/**
 * The statistics the planner needs, behind one small interface so the numerical library stays an
 * implementation detail (JMH keeps commons-math3 the same way). Every method answers NaN (or a fit
 * whose {@link UslFit#defined()} is false, with the reason) when the sample is too small to support
 * an answer, instead of a number that looks trustworthy.
 *
 * <pre>{@code
 * Statistics stats = Statistics.standard();
 * double[] p99s = stats.bootstrapQuantile(q -> hist.getValueAtPercentile(q * 100), 400, 0.99, 1000, 42);
 * UslFit fit = stats.fitUsl(new double[] {1, 2, 4, 8}, new double[] {0.9, 1.7, 2.9, 3.6});
 * }</pre>
 */
public interface Statistics {

  /** The implementation capkit ships (commons-math3 inside). */
  static Statistics standard() {
    return new CommonsMathStatistics();
  }

  /**
   * Bootstrap replicates of the {@code p}-quantile of a sample of {@code n} values whose empirical
   * quantile function is {@code quantile} (argument in [0, 1]). Resampling n values with replacement
   * and taking the k-th smallest ({@code k = ceil(p n)}) is the same as reading the empirical
   * quantile at {@code U ~ Beta(k, n + 1 - k)}, so each replicate costs one draw instead of n.
   *
   * @return {@code replicates} values, or an empty array when {@code n} is 0
   */
  double[] bootstrapQuantile(DoubleUnaryOperator quantile, long n, double p, int replicates, long seed);

  /** Bootstrap replicates of a proportion {@code events / n}: {@code Binomial(n, events/n) / n}. Empty when n is 0. */
  double[] bootstrapProportion(long events, long n, int replicates, long seed);

  /** The {@code p}-quantile (0..1) of {@code values} by linear interpolation between order statistics; NaN when empty. */
  double quantile(double[] values, double p);

  /**
   * Least-squares fit of the Universal Scalability Law {@code X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))}
   * with {@code sigma, kappa >= 0}. Needs at least 4 points with distinct N (3 parameters plus one degree of freedom).
   */
  UslFit fitUsl(double[] concurrency, double[] throughput);
}
