package dev.capkit.core.scenario;

import java.util.random.RandomGenerator;

/**
 * A log-normal length distribution given by its median and 90th percentile, the two numbers people
 * can read off a histogram of real prompts. {@code median == p90} means a fixed length.
 *
 * <p>Example: {@code new TokenDistribution(300, 1200).sample(rng)} draws prompt lengths whose median
 * is 300 tokens and 90% of which are at most 1,200.
 */
public record TokenDistribution(int median, int p90) {
  /** z-score of the 90th percentile of a standard normal distribution. */
  private static final double Z90 = 1.2815515655446004;

  public TokenDistribution {
    if (median < 1 || p90 < median) {
      throw new IllegalArgumentException("need 1 <= median <= p90, got median " + median + ", p90 " + p90);
    }
  }

  public static TokenDistribution fixed(int tokens) {
    return new TokenDistribution(tokens, tokens);
  }

  public int sample(RandomGenerator rng) {
    if (median == p90) {
      return median;
    }
    double sigma = Math.log((double) p90 / median) / Z90;
    return (int) Math.max(1, Math.round(median * Math.exp(sigma * rng.nextGaussian())));
  }
}
