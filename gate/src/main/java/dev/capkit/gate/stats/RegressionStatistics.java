package dev.capkit.gate.stats;

/**
 * The statistics the gate needs, behind one small interface so the numerical library stays an
 * implementation detail. Every method answers {@link Estimate#undefined} with the reason when the
 * samples are too few to support an interval, instead of a number that looks trustworthy.
 *
 * <pre>{@code
 * RegressionStatistics stats = RegressionStatistics.standard();
 * Estimate e2e = stats.quantileChange(baseE2e, currentE2e, 0.99, 0.95, 7);   // +0.23 [+0.11, +0.36]
 * Estimate err = stats.proportionChange(2, 400, 9, 410, 0.95);             // +1.7 pp [...]
 * }</pre>
 */
public interface RegressionStatistics {

  /** Tail samples a quantile needs beyond it on each side: p99 needs n >= 3 / 0.01 = 300. */
  int MIN_TAIL_SAMPLES = 3;
  /** Requests a proportion needs on each side. */
  int MIN_PROPORTION_SAMPLES = 30;

  /** Block length of the moving-block bootstrap, seconds (why this length: gate/README.md, "Method"). */
  int BLOCK_SECONDS = 5;
  /** A side is resampled in blocks when it spans at least this many blocks. */
  int MIN_BLOCKS = 4;

  /** The implementation capkit ships (commons-math3 inside): 10,000 bootstrap resamples, moving blocks of {@link #BLOCK_SECONDS}. */
  static RegressionStatistics standard() {
    return new HistogramBootstrap(10_000, MIN_TAIL_SAMPLES, MIN_PROPORTION_SAMPLES, BLOCK_SECONDS, MIN_BLOCKS);
  }

  /** One line naming the methods, printed with every verdict. */
  String method();

  /**
   * Relative change of the {@code q}-quantile, {@code current/baseline - 1}, with a two-sided
   * interval at {@code confidence}. Undefined when either sample has fewer than
   * {@link #MIN_TAIL_SAMPLES} values above the quantile.
   *
   * @param seed fixes the resampling so the same inputs always give the same interval
   */
  Estimate quantileChange(LatencySample baseline, LatencySample current, double q, double confidence, long seed);

  /** {@link #quantileChange(LatencySample, LatencySample, double, double, long)} of pooled samples (requests taken as independent). */
  default Estimate quantileChange(EmpiricalDistribution baseline, EmpiricalDistribution current, double q, double confidence, long seed) {
    return quantileChange(LatencySample.pooled(baseline), LatencySample.pooled(current), q, confidence, seed);
  }

  /** Whether {@link #quantileChange} gives an interval for samples of these sizes (else it is undefined). */
  boolean quantileDecidable(long baselineCount, long currentCount, double q);

  /** Whether {@link #proportionChange} gives an interval for these numbers of trials. */
  boolean proportionDecidable(long baselineN, long currentN);

  /** Whether this side is resampled in blocks of seconds (else as independent requests). */
  boolean resamplesBlocks(LatencySample side);

  /**
   * Difference of two proportions, {@code currentEvents/currentN - baselineEvents/baselineN}, with a
   * two-sided interval at {@code confidence}. Undefined when either side has fewer than
   * {@link #MIN_PROPORTION_SAMPLES} trials.
   */
  Estimate proportionChange(long baselineEvents, long baselineN, long currentEvents, long currentN, double confidence);

  /**
   * {@link #proportionChange(long, long, long, long, double)} for dependent requests: each side's
   * interval is that of {@code n / designEffect} independent requests (Kish's effective sample size).
   */
  Estimate proportionChange(long baselineEvents, long baselineN, long currentEvents, long currentN, double confidence,
      double baselineDesignEffect, double currentDesignEffect);

  /**
   * The design effect of a share of requests on this side ({@link DesignEffect}): how much more a
   * share of its requests varies than if they were independent, estimated with the same blocks of
   * seconds as its quantiles; 1 for a side resampled as independent requests.
   */
  double designEffect(LatencySample e2e, double share, long seed);

  /**
   * The design effect of the share {@code sum(events) / sum(trials)} counted second by second on this
   * side (e.g. requests that missed goodput of those that ended: {@link CountSeries}), with the block
   * length of its E2E sample; 1 for a side resampled as independent requests.
   */
  double designEffect(LatencySample e2e, long[] events, long[] trials, long seed);
}
