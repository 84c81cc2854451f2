package dev.capkit.planner.capacity;

/**
 * M/M/c queue formulas (Erlang C): Poisson arrivals at rate lambda, c servers each serving at rate
 * mu, exponential service. Pure functions; used as a cross-check of the replica count (each replica
 * one server whose rate is its saturated throughput) and as the known answer of the planner's tests.
 *
 * <pre>{@code
 * double pWait = ErlangC.probabilityOfWaiting(4, 3.0);             // c = 4, offered load a = lambda/mu = 3
 * double tail = ErlangC.waitTailProbability(4, 3.0, 1.0, 2.0);    // P(W > 2 s)
 * int c = ErlangC.serversFor(30.0, 1.0, 2.0, 0.99);               // smallest c with P(W <= 2 s) >= 99%
 * }</pre>
 */
public final class ErlangC {
  private ErlangC() {}

  /** P(an arrival waits) for {@code c} servers and offered load {@code a = lambda / mu}; 1 when {@code a >= c}. */
  public static double probabilityOfWaiting(int c, double a) {
    if (a >= c) {
      return 1;
    }
    // Erlang B by its stable recursion, then C = B / (1 - (a/c)(1 - B)).
    double b = 1;
    for (int k = 1; k <= c; k++) {
      b = a * b / (k + a * b);
    }
    double rho = a / c;
    return b / (1 - rho * (1 - b));
  }

  /** P(W > t) of the waiting time before service: {@code C(c, a) e^{-(c mu - lambda) t}}. */
  public static double waitTailProbability(int c, double lambda, double mu, double t) {
    if (lambda >= c * mu) {
      return 1;
    }
    return probabilityOfWaiting(c, lambda / mu) * Math.exp(-(c * mu - lambda) * t);
  }

  /** The {@code q}-quantile (0..1) of the waiting time; 0 when at least that share never waits. */
  public static double waitQuantile(int c, double lambda, double mu, double q) {
    if (lambda >= c * mu) {
      return Double.POSITIVE_INFINITY;
    }
    double pw = probabilityOfWaiting(c, lambda / mu);
    if (pw <= 1 - q) {
      return 0;
    }
    return Math.log(pw / (1 - q)) / (c * mu - lambda);
  }

  /** Smallest c with {@code P(W <= t) >= q}; -1 when mu or t is not positive. */
  public static int serversFor(double lambda, double mu, double t, double q) {
    if (!(mu > 0) || !(t >= 0) || !(lambda >= 0)) {
      return -1;
    }
    int c = Math.max(1, (int) Math.floor(lambda / mu) + 1);
    while (waitTailProbability(c, lambda, mu, t) > 1 - q) {
      c++;
    }
    return c;
  }

  /**
   * Highest lambda with {@code P(W > t) <= 1 - q} on c servers (bisection on the monotone tail):
   * the analytic sustainable rate for a waiting-time objective.
   */
  public static double maxArrivalRate(int c, double mu, double t, double q) {
    double lo = 0;
    double hi = c * mu;
    for (int i = 0; i < 200; i++) {
      double mid = (lo + hi) / 2;
      if (waitTailProbability(c, mid, mu, t) <= 1 - q) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
