package dev.capkit.gate.stats;

/**
 * One side of a latency comparison: the step's values pooled and, when the source kept them, the
 * same values second by second ({@code null} otherwise: a baseline saved without per-second
 * histograms), and the step's requests in flight per second ({@code null} when unknown). With seconds the gate resamples blocks of consecutive seconds, which keeps the
 * dependence between requests queued together; without, it must treat requests as independent.
 *
 * <pre>{@code
 * LatencySample s = LatencySample.of(SecondSeries.of(perSecondHistograms));
 * LatencySample pooledOnly = LatencySample.pooled(EmpiricalDistribution.of(histogram));
 * }</pre>
 */
public record LatencySample(EmpiricalDistribution pooled, SecondSeries seconds, double[] inFlight) {

  public LatencySample(EmpiricalDistribution pooled, SecondSeries seconds) {
    this(pooled, seconds, null);
  }

  public static LatencySample pooled(EmpiricalDistribution pooled) {
    return new LatencySample(pooled, null, null);
  }

  public static LatencySample of(SecondSeries seconds) {
    return new LatencySample(seconds.pooled(), seconds, null);
  }

  /**
   * The same sample with its step's requests in flight per second ({@link SecondSeries#inFlight()} of
   * the step's E2E values): the queue's state, whose autocorrelation sets the block length.
   */
  public LatencySample withInFlight(double[] perSecond) {
    return new LatencySample(pooled, seconds, perSecond);
  }

  public long count() {
    return pooled.count();
  }

  public boolean hasSeconds() {
    return seconds != null;
  }
}
