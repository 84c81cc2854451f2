package dev.capkit.simulations;

import java.util.SplittableRandom;

/**
 * Gaps between open-loop arrivals with a given coefficient of variation (burstiness): 0 evenly
 * spaced (the first arrival half a gap in), 1 exponential (Poisson arrivals), otherwise gamma with
 * shape {@code 1 / cv^2} (above 1: bursts and lulls; below 1: more regular than Poisson). Gamma
 * variates by Marsaglia and Tsang's method, boosted for shapes below 1.
 *
 * <pre>{@code
 * Gaps g = new Gaps(2.0);                 // twice Poisson's variability
 * double gap = g.next(rng, 250_000_000);  // mean 0.25 s, in nanoseconds
 * }</pre>
 *
 * @param burstiness coefficient of variation of the gaps, 0 to 20
 */
public record Gaps(double burstiness) {
  public Gaps {
    if (!(burstiness >= 0 && burstiness <= 20)) {
      throw new IllegalArgumentException("burstiness " + burstiness + " must be in [0, 20]");
    }
  }

  /** The first arrival's offset from the start of a stretch of load. */
  public double first(SplittableRandom rng, double mean) {
    return burstiness == 0 ? mean / 2 : next(rng, mean);
  }

  /** One gap with the given mean. */
  public double next(SplittableRandom rng, double mean) {
    if (burstiness == 0) {
      return mean;
    }
    if (burstiness == 1) {
      return -mean * Math.log(1 - rng.nextDouble());
    }
    double shape = 1 / (burstiness * burstiness);
    return gamma(rng, shape) * mean / shape;
  }

  static double gamma(SplittableRandom rng, double shape) {
    if (shape < 1) {
      // G(a) = G(a + 1) * U^(1/a)
      return gamma(rng, shape + 1) * Math.pow(1 - rng.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(rng);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = 1 - rng.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  private static double normal(SplittableRandom rng) {
    double u1 = 1 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
