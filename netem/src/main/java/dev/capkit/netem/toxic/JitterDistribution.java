package dev.capkit.netem.toxic;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a latency toxic's jitter is spread around its mean delay. In every case {@code latency} is the
 * mean (before clipping at zero) and {@code jitter} sets the spread:
 * <ul>
 *   <li>{@code uniform}: uniform on [-jitter, +jitter] (toxiproxy's only shape);
 *   <li>{@code normal}: Gaussian with standard deviation {@code jitter};
 *   <li>{@code pareto}: Pareto with shape 3 shifted to mean zero and scaled to standard deviation
 *       {@code jitter}: rarely more than 0.58 x jitter early, a long tail late (queueing-like spikes).
 * </ul>
 */
public enum JitterDistribution {
  UNIFORM, NORMAL, PARETO;

  private static final double PARETO_SHAPE = 3.0;
  // For shape 3: sd = xm * sqrt(3) / 2 and mean = 1.5 * xm, so xm = 2 sd / sqrt(3) and mean = sqrt(3) sd.
  private static final double PARETO_XM_PER_SD = 2.0 / Math.sqrt(3.0);
  private static final double PARETO_MEAN_PER_SD = Math.sqrt(3.0);

  /** A zero-mean deviation in the unit of {@code jitter}. */
  public double sample(SplittableRandom random, double jitter) {
    if (jitter <= 0) {
      return 0;
    }
    return switch (this) {
      case UNIFORM -> (random.nextDouble() * 2 - 1) * jitter;
      case NORMAL -> gaussian(random) * jitter;
      case PARETO -> {
        double u = 1.0 - random.nextDouble();   // (0, 1]
        double x = PARETO_XM_PER_SD * jitter / Math.pow(u, 1.0 / PARETO_SHAPE);
        yield x - PARETO_MEAN_PER_SD * jitter;
      }
    };
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JitterDistribution parse(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian in Java 17.
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
