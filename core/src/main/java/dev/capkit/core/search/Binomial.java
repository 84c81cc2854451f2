package dev.capkit.core.search;

/**
 * Exact binomial tail probabilities, summed in log space so that n of tens of thousands stays
 * accurate. The search judges objectives with them: a percentile objective {@code p99 < L} holds
 * exactly when the share of requests slower than L is at most 1%, so each verdict is a binomial
 * test on a count of violations.
 *
 * <pre>{@code
 * Binomial.atMost(0, 367, 0.01);   // 0.0250: 367 requests with none over the limit show p99 < L at 97.5%
 * }</pre>
 */
public final class Binomial {
  private Binomial() {}

  /** P(X &lt;= k) for X ~ Binomial(n, q). */
  public static double atMost(long k, long n, double q) {
    if (k < 0) {
      return 0;
    }
    if (k >= n) {
      return 1;
    }
    if (q <= 0) {
      return 1;
    }
    if (q >= 1) {
      return 0;
    }
    double logQ = Math.log(q);
    double logNotQ = Math.log1p(-q);
    double logTerm = n * logNotQ; // P(X = 0)
    double sum = Math.exp(logTerm);
    for (long i = 1; i <= k; i++) {
      logTerm += Math.log((double) (n - i + 1) / i) + logQ - logNotQ;
      sum += Math.exp(logTerm);
    }
    return Math.min(1, sum);
  }

  /** P(X &gt;= k) for X ~ Binomial(n, q). */
  public static double atLeast(long k, long n, double q) {
    return k <= 0 ? 1 : Math.max(0, 1 - atMost(k - 1, n, q));
  }
}
