package dev.capkit.planner.stats;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.util.Pair;

/**
 * {@link Statistics} on commons-math3 3.6.1: Beta and binomial draws from a seeded Well19937c
 * generator (replicates are reproducible), USL by Levenberg-Marquardt. The only class of the
 * planner that imports commons-math3.
 */
final class CommonsMathStatistics implements Statistics {
  static final int MIN_USL_POINTS = 4;

  @Override
  public double[] bootstrapQuantile(DoubleUnaryOperator quantile, long n, double p, int replicates, long seed) {
    if (n <= 0 || replicates <= 0) {
      return new double[0];
    }
    long k = Math.max(1, Math.min(n, (long) Math.ceil(p * n)));
    BetaDistribution order = new BetaDistribution(new Well19937c(seed), k, n + 1 - k);
    double[] out = new double[replicates];
    for (int i = 0; i < replicates; i++) {
      out[i] = quantile.applyAsDouble(order.sample());
    }
    return out;
  }

  @Override
  public double[] bootstrapProportion(long events, long n, int replicates, long seed) {
    if (n <= 0 || replicates <= 0) {
      return new double[0];
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("sample of " + n + " is larger than the binomial sampler takes");
    }
    double p = Math.min(1, Math.max(0, (double) events / n));
    BinomialDistribution draw = new BinomialDistribution(new Well19937c(seed), (int) n, p);
    double[] out = new double[replicates];
    for (int i = 0; i < replicates; i++) {
      out[i] = draw.sample() / (double) n;
    }
    return out;
  }

  @Override
  public double quantile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  @Override
  public UslFit fitUsl(double[] concurrency, double[] throughput) {
    int points = concurrency.length;
    long distinct = Arrays.stream(concurrency).distinct().count();
    if (points != throughput.length) {
      throw new IllegalArgumentException("concurrency and throughput differ in length: " + points + " vs " + throughput.length);
    }
    if (distinct < MIN_USL_POINTS) {
      return UslFit.undefined(points, "undefined, because the USL has 3 parameters and needs at least "
          + MIN_USL_POINTS + " points with distinct concurrency; got " + distinct);
    }
    // lambda starts at the best per-request throughput seen; sigma and kappa are fitted as squares so
    // they stay >= 0 without a constrained optimizer.
    double lambda0 = 0;
    for (int i = 0; i < points; i++) {
      if (concurrency[i] > 0) {
        lambda0 = Math.max(lambda0, throughput[i] / concurrency[i]);
      }
    }
    MultivariateJacobianFunction model = params -> {
      double l = params.getEntry(0);
      double a = params.getEntry(1);
      double b = params.getEntry(2);
      double s = a * a;
      double k = b * b;
      RealVector value = new ArrayRealVector(points);
      RealMatrix jacobian = new Array2DRowRealMatrix(points, 3);
      for (int i = 0; i < points; i++) {
        double n = concurrency[i];
        double d = 1 + s * (n - 1) + k * n * (n - 1);
        double x = l * n / d;
        value.setEntry(i, x);
        jacobian.setEntry(i, 0, n / d);
        jacobian.setEntry(i, 1, -x / d * (n - 1) * 2 * a);
        jacobian.setEntry(i, 2, -x / d * n * (n - 1) * 2 * b);
      }
      return new Pair<>(value, jacobian);
    };
    try {
      LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
          .model(model)
          .target(throughput)
          .start(new double[] {lambda0, 0.1, 0.01})
          .maxEvaluations(10_000)
          .maxIterations(10_000)
          .build());
      RealVector p = optimum.getPoint();
      double lambda = p.getEntry(0);
      double sigma = p.getEntry(1) * p.getEntry(1);
      double kappa = p.getEntry(2) * p.getEntry(2);
      double mean = Arrays.stream(throughput).average().orElse(0);
      double ssTot = 0;
      double ssRes = 0;
      UslFit fit = new UslFit(lambda, sigma, kappa, Double.NaN, points, null);
      for (int i = 0; i < points; i++) {
        ssTot += (throughput[i] - mean) * (throughput[i] - mean);
        double r = throughput[i] - fit.throughput(concurrency[i]);
        ssRes += r * r;
      }
      return new UslFit(lambda, sigma, kappa, ssTot == 0 ? Double.NaN : 1 - ssRes / ssTot, points, null);
    } catch (RuntimeException e) { // TooManyEvaluations, ConvergenceException: no fit, say why
      return UslFit.undefined(points, "undefined, because the least-squares fit did not converge (" + e.getMessage() + ")");
    }
  }
}
