package dev.capkit.planner.stats;

/**
 * A Universal Scalability Law fit: {@code X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))},
 * where N is concurrency (requests in flight) and X throughput (requests/s).
 *
 * <pre>{@code
 * UslFit fit = Statistics.standard().fitUsl(n, x);
 * if (fit.defined()) System.out.println(fit.peakThroughput() + " req/s at N=" + fit.peakConcurrency());
 * }</pre>
 *
 * @param lambda    throughput of one request in flight (1/s)
 * @param sigma     contention (serial fraction)
 * @param kappa     coherency (crosstalk) cost
 * @param rSquared  coefficient of determination on the fitted points
 * @param points    how many points were fitted
 * @param undefinedReason null when defined; else why not ("undefined, because ...")
 */
public record UslFit(double lambda, double sigma, double kappa, double rSquared, int points, String undefinedReason) {
  static final double NEGLIGIBLE_KAPPA = 1e-9;

  public static UslFit undefined(int points, String reason) {
    return new UslFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, points, reason);
  }

  public boolean defined() {
    return undefinedReason == null;
  }

  /** Throughput the model predicts at concurrency {@code n}. */
  public double throughput(double n) {
    return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
  }

  /** Concurrency of peak throughput, {@code sqrt((1 - sigma) / kappa)}; infinite when kappa is 0 (throughput only flattens). */
  public double peakConcurrency() {
    if (!defined()) {
      return Double.NaN;
    }
    // A fitted kappa this small is zero within the optimizer's tolerance: throughput only flattens.
    return kappa <= NEGLIGIBLE_KAPPA ? Double.POSITIVE_INFINITY : Math.sqrt(Math.max(0, 1 - sigma) / kappa);
  }

  /** The highest throughput the model predicts: at {@link #peakConcurrency()}, or {@code lambda / sigma} as N grows when kappa is 0. */
  public double peakThroughput() {
    if (!defined()) {
      return Double.NaN;
    }
    double n = peakConcurrency();
    if (Double.isInfinite(n)) {
      return sigma > 0 ? lambda / sigma : Double.POSITIVE_INFINITY;
    }
    return throughput(Math.max(1, n));
  }
}
