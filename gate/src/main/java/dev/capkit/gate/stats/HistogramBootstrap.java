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
 * <p>Quantile change: each replicate resamples each side and takes the ratio of the two resampled
 * quantiles; the interval is the percentile interval of the replicates. A side that keeps its
 * values second by second ({@link LatencySample#seconds()}, at least {@code minBlocks} blocks long)
 * is resampled by the <b>moving-block bootstrap</b> (Kuensch 1989): {@code ceil(T / L)} blocks of
 * {@code L} consecutive seconds, each starting at a uniformly drawn second of the {@code T - L + 1}
 * possible, laid end to end and cut to {@code T} seconds; the replicate's quantile is taken over the
 * values of those seconds. Requests queued behind one burst complete in neighbouring seconds, so
 * whole blocks carry that dependence into the replicates, where resampling single requests would
 * treat them as independent and make the interval too narrow near saturation. A side without
 * seconds (a baseline saved before they were kept, or a run shorter than {@code minBlocks x L}
 * seconds) is resampled as independent requests: the k-th smallest of n values resampled from an
 * empirical distribution is its quantile function at {@code U ~ Beta(k, n + 1 - k)}, so that
 * replicate is drawn exactly with one Beta draw (the test checks it against literal resampling).
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
  private static final int DESIGN_EFFECT_REPLICATES = 2_000;
  private final int resamples;
  private final int minTail;
  private final int minTrials;
  private final int blockSeconds;
  private final int minBlocks;

  /** Resampling requests as independent only (no blocks): the gate's method before per-second resampling. */
  public HistogramBootstrap(int resamples, int minTail, int minTrials) {
    this(resamples, minTail, minTrials, 0, 0);
  }

  /**
   * @param blockSeconds shortest block length L of the moving-block bootstrap (each side's own is chosen from its data,
   *                     {@link #blockSeconds(LatencySample)}); 0 resamples every side as independent requests
   * @param minBlocks    a side is resampled in blocks only when it spans at least {@code minBlocks x L} seconds, and its
   *                     blocks are at most {@code T / minBlocks} long
   */
  public HistogramBootstrap(int resamples, int minTail, int minTrials, int blockSeconds, int minBlocks) {
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be >= 100, got " + resamples);
    }
    if (blockSeconds < 0 || (blockSeconds > 0 && minBlocks < 2)) {
      throw new IllegalArgumentException("block length must be >= 0 and minBlocks >= 2, got " + blockSeconds + ", " + minBlocks);
    }
    this.resamples = resamples;
    this.minTail = minTail;
    this.minTrials = minTrials;
    this.blockSeconds = blockSeconds;
    this.minBlocks = minBlocks;
  }

  @Override
  public boolean resamplesBlocks(LatencySample side) {
    return blockSeconds > 0 && side.hasSeconds() && side.seconds().seconds() >= (long) minBlocks * blockSeconds;
  }

  /**
   * The side's block length: Politis and White's automatic length ({@link BlockLength}) for its
   * step's requests in flight per second ({@link LatencySample#inFlight()}: the queue's state, which
   * is what makes neighbouring requests' latencies depend on each other; when unknown, the side's
   * own per-second count of values above its p90), rounded, at least the shortest block length and
   * at most {@code T / minBlocks} seconds. 0 when the side is not resampled in blocks.
   */
  public int blockSeconds(LatencySample side) {
    if (!resamplesBlocks(side)) {
      return 0;
    }
    SecondSeries s = side.seconds();
    double[] series = side.inFlight();
    if (series == null) {
      long p90 = side.pooled().quantile(0.9);
      series = new double[s.seconds()];
      for (int t = 0; t < series.length; t++) {
        for (long v : s.descending(t)) {
          if (v <= p90) {
            break;
          }
          series[t]++;
        }
      }
    }
    long chosen = Math.round(BlockLength.politisWhite(series));
    return (int) Math.max(blockSeconds, Math.min(chosen, s.seconds() / minBlocks));
  }

  @Override
  public String method() {
    String independent = "resampled as independent requests (drawn exactly via the Beta law of the order statistic)";
    String sides = blockSeconds == 0 ? "each side " + independent : String.format(Locale.ROOT,
        "moving-block bootstrap over blocks of consecutive seconds of each side's per-second histograms (block length per side by"
        + " Politis-White on its step's requests in flight per second, %d s to a %s of the side; a side without per-second histograms,"
        + " or shorter than %d s, %s)", blockSeconds, minBlocks == 4 ? "quarter" : "1/" + minBlocks, minBlocks * blockSeconds, independent);
    return String.format(Locale.ROOT, "p99 changes: bootstrap percentile interval, %,d resamples, %s, needs >= %d samples beyond the"
        + " quantile on each side; errors and goodput: Newcombe hybrid score interval for a difference of proportions, needs >= %d"
        + " requests, each side's counted as n / design effect (moving blocks of the runs' per-second counts, the larger of the two"
        + " runs')", resamples, sides, minTail, minTrials);
  }

  @Override
  public Estimate quantileChange(LatencySample baseline, LatencySample current, double q, double confidence, long seed) {
    String few = tooFew("baseline", baseline.count(), q);
    if (few == null) {
      few = tooFew("current", current.count(), q);
    }
    if (few != null) {
      return Estimate.undefined(few);
    }
    double base = baseline.pooled().quantile(q);
    double point = current.pooled().quantile(q) / base - 1;
    RandomGenerator random = new Well19937c(seed);
    Replicate b = replicate(random, baseline, q);
    Replicate c = replicate(random, current, q);
    double[] changes = new double[resamples];
    for (int i = 0; i < resamples; i++) {
      changes[i] = (double) c.next() / b.next() - 1;
    }
    Arrays.sort(changes);
    double tail = (1 - confidence) / 2;
    return new Estimate(point, at(changes, tail), at(changes, 1 - tail), confidence, null);
  }

  @Override
  public Estimate proportionChange(long baselineEvents, long baselineN, long currentEvents, long currentN, double confidence) {
    return proportionChange(baselineEvents, baselineN, currentEvents, currentN, confidence, 1, 1);
  }

  @Override
  public Estimate proportionChange(long baselineEvents, long baselineN, long currentEvents, long currentN, double confidence,
      double baselineDesignEffect, double currentDesignEffect) {
    if (baselineN < minTrials || currentN < minTrials) {
      return Estimate.undefined(String.format(Locale.ROOT, "too few requests to judge a rate: baseline %d, current %d (need >= %d each)",
          baselineN, currentN, minTrials));
    }
    double z = new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - (1 - confidence) / 2);
    double p1 = (double) baselineEvents / baselineN;
    double p2 = (double) currentEvents / currentN;
    // dependent requests: the Wilson intervals of n / deff independent requests (Kish's effective sample size)
    double[] w1 = wilson(p1, baselineN / Math.max(1, baselineDesignEffect), z);
    double[] w2 = wilson(p2, currentN / Math.max(1, currentDesignEffect), z);
    double d = p2 - p1;
    double low = d - Math.sqrt(sq(p2 - w2[0]) + sq(w1[1] - p1));
    double high = d + Math.sqrt(sq(w2[1] - p2) + sq(p1 - w1[0]));
    return new Estimate(d, low, high, confidence, null);
  }

  @Override
  public boolean quantileDecidable(long baselineCount, long currentCount, double q) {
    return tooFew("baseline", baselineCount, q) == null && tooFew("current", currentCount, q) == null;
  }

  @Override
  public boolean proportionDecidable(long baselineN, long currentN) {
    return baselineN >= minTrials && currentN >= minTrials;
  }

  private String tooFew(String side, long n, double q) {
    long needed = (long) Math.ceil(minTail / (1 - q) - 1e-9);
    if (n < needed) {
      return String.format(Locale.ROOT, "too few samples: %s has %d, p%s needs >= %d (%d beyond it)",
          side, n, percentLabel(q), needed, minTail);
    }
    return null;
  }

  /** Draws one resampled quantile of one side. */
  private interface Replicate {
    long next();
  }

  private Replicate replicate(RandomGenerator random, LatencySample side, double q) {
    if (resamplesBlocks(side)) {
      MovingBlocks blocks = new MovingBlocks(side.seconds(), blockSeconds(side), q);
      return () -> blocks.quantile(random::nextInt);
    }
    long n = side.count();
    long k = Math.max(1, (long) Math.ceil(q * n));
    BetaDistribution orderStatistic = new BetaDistribution(random, k, n + 1 - k);
    EmpiricalDistribution d = side.pooled();
    return () -> d.inverse(orderStatistic.sample());
  }

  private static double at(double[] sorted, double p) {
    int i = (int) Math.floor(p * (sorted.length - 1));
    double frac = p * (sorted.length - 1) - i;
    return i + 1 < sorted.length ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
  }

  @Override
  public double designEffect(LatencySample e2e, double share, long seed) {
    if (!resamplesBlocks(e2e)) {
      return 1;
    }
    return DesignEffect.of(e2e.seconds(), share, blockSeconds(e2e), new Well19937c(seed), DESIGN_EFFECT_REPLICATES);
  }

  @Override
  public double designEffect(LatencySample e2e, long[] events, long[] trials, long seed) {
    if (!resamplesBlocks(e2e)) {
      return 1;
    }
    return DesignEffect.ofCounts(events, trials, Math.min(blockSeconds(e2e), trials.length / minBlocks), new Well19937c(seed),
        DESIGN_EFFECT_REPLICATES);
  }

  private static double[] wilson(double p, double n, double z) {
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
