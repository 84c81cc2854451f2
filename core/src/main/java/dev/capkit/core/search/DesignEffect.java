package dev.capkit.core.search;

import java.util.Arrays;

/**
 * How much less a probe's requests say about a violating share than as many independent requests
 * would (Kish's design effect): near saturation slow requests come in bursts (a queue builds, every
 * request behind it is slow), so a probe that happened to run through a calm stretch sees almost no
 * violations although the long-run share is above the allowance. A binomial verdict on such a probe
 * is overconfident. (Six independent 5,000-request virtual runs of capacity-sweep on the A100 at
 * 0.83 req/s gave e2e.p99 violating shares of 0.25-1.68%, standard deviation 0.48% against the
 * binomial 0.15%: a design effect of ~11.)
 *
 * <p>The violations themselves are too few to show their clustering (a calm probe has none), so, as
 * the gate does for goodput, a stand-in event is counted: a request among the probe's slowest
 * {@code share} by E2E (the requests a queue makes slow are the ones that break an E2E or TTFT
 * objective). The window is cut into {@value #BATCHES} batches of equal time; the design effect is
 * the batch-means variance of the event share over its binomial variance,
 * {@code k/(k-1) sum_b (e_b - p n_b)^2 / (N p (1 - p))}, at least 1.
 *
 * <pre>{@code
 * double deff = DesignEffect.of(sendSeconds, e2eSeconds, 0.02);   // ~1 at low load, 5-20 near saturation
 * }</pre>
 */
public final class DesignEffect {
  /** Batches the window is cut into (time order). */
  public static final int BATCHES = 10;
  /** The stand-in event's share is at least this (a p99's 1% of a few hundred requests is a handful of events). */
  public static final double MIN_SHARE = 0.02;

  private DesignEffect() {}

  /**
   * @param sendSeconds when each request was sent (any origin), same order as {@code e2eSeconds}
   * @param e2eSeconds  each request's E2E (or any latency whose tail breaks the objectives)
   * @param share       the objective's allowed share (the stand-in event's share is at least {@link #MIN_SHARE})
   * @return the design effect, >= 1; 1 when there are too few requests or no spread in time to estimate it
   */
  public static double of(double[] sendSeconds, double[] e2eSeconds, double share) {
    int n = e2eSeconds.length;
    if (n != sendSeconds.length) {
      throw new IllegalArgumentException("sendSeconds and e2eSeconds differ in length: " + sendSeconds.length + " vs " + n);
    }
    double s = Math.max(share, MIN_SHARE);
    int events = (int) Math.round(s * n);
    if (n < 2 * BATCHES || events < 1 || events >= n) {
      return 1;
    }
    double[] sorted = e2eSeconds.clone();
    Arrays.sort(sorted);
    double threshold = sorted[n - events]; // the slowest `events` requests are at or above it
    double first = Arrays.stream(sendSeconds).min().orElseThrow();
    double span = Arrays.stream(sendSeconds).max().orElseThrow() - first;
    if (!(span > 0)) {
      return 1;
    }
    long[] count = new long[BATCHES];
    long[] event = new long[BATCHES];
    long total = 0;
    for (int i = 0; i < n; i++) {
      int b = (int) Math.min(BATCHES - 1, Math.floor((sendSeconds[i] - first) / span * BATCHES));
      count[b]++;
      if (e2eSeconds[i] >= threshold) {
        event[b]++;
        total++;
      }
    }
    double p = total / (double) n;
    if (p <= 0 || p >= 1) {
      return 1;
    }
    double sum = 0;
    for (int b = 0; b < BATCHES; b++) {
      double d = event[b] - p * count[b];
      sum += d * d;
    }
    double deff = BATCHES / (double) (BATCHES - 1) * sum / (n * p * (1 - p));
    return Math.max(1, deff);
  }
}
