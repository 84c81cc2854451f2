package dev.capkit.gate.stats;

import org.apache.commons.math3.random.RandomGenerator;

/**
 * Kish's design effect of a share of requests when requests completing close together are not
 * independent: the variance of the share under the moving-block bootstrap over seconds divided by
 * its variance for independent requests, {@code p(1 - p)/n}; at least 1. A proportion's interval
 * computed from {@code n / deff} requests then has the width the dependence calls for.
 *
 * <p>Why a stand-in event: a run folder keeps each second's latencies, not which request met every
 * objective. The requests that miss an objective near saturation are the slow ones, so the share
 * judged (e.g. 1 - goodput) is stood in for by the same share of the slowest E2E values: the event
 * "E2E above the side's quantile at {@code 1 - share}", counted second by second. Its clustering in
 * time is the queue's, which is what makes missed objectives come in bursts.
 *
 * <pre>{@code
 * double deff = DesignEffect.of(e2eSeconds, 0.08, 30, random, 2_000);   // e.g. 3.1 near saturation, ~1 at low load
 * }</pre>
 */
public final class DesignEffect {
  private DesignEffect() {}

  /**
   * @param seconds    the side's E2E values second by second
   * @param share      the share of requests with the event (e.g. not meeting every objective), in (0, 1)
   * @param block      block length in seconds ({@link HistogramBootstrap#blockSeconds(LatencySample)})
   * @param replicates bootstrap replicates
   * @return the design effect, >= 1; 1 when the share or the series leaves nothing to estimate
   */
  public static double of(SecondSeries seconds, double share, int block, RandomGenerator random, int replicates) {
    int t = seconds.seconds();
    long n = seconds.count();
    if (!(share > 0 && share < 1) || block < 1 || t < 2 * block || n == 0) {
      return 1;
    }
    long threshold = seconds.pooled().quantile(1 - share);
    long[] events = new long[t];
    long[] counts = new long[t];
    for (int s = 0; s < t; s++) {
      long[] d = seconds.descending(s);
      counts[s] = d.length;
      for (long v : d) {
        if (v <= threshold) {
          break;
        }
        events[s]++;
      }
    }
    return ofCounts(events, counts, block, random, replicates);
  }

  /**
   * The design effect of the share {@code sum(events) / sum(trials)} from counts second by second
   * (e.g. requests that missed goodput of the requests that ended, from the run folder's counts):
   * the moving-block bootstrap's variance of the share over blocks of {@code block} seconds divided
   * by {@code p(1 - p)/n}; at least 1, and 1 when the share is 0 or 1 or the series is shorter than
   * two blocks.
   */
  public static double ofCounts(long[] events, long[] trials, int block, RandomGenerator random, int replicates) {
    int t = trials.length;
    long n = 0;
    long total = 0;
    for (int s = 0; s < t; s++) {
      n += trials[s];
      total += events[s];
    }
    if (block < 1 || t < 2 * block || n == 0) {
      return 1;
    }
    double p = (double) total / n;
    if (p <= 0 || p >= 1) {
      return 1;
    }
    double sum = 0;
    double sumSq = 0;
    int starts = t - block + 1;
    for (int r = 0; r < replicates; r++) {
      long e = 0;
      long c = 0;
      for (int laid = 0; laid < t; laid += block) {
        int from = random.nextInt(starts);
        for (int s = from; s < from + Math.min(block, t - laid); s++) {
          e += events[s];
          c += trials[s];
        }
      }
      double share1 = c == 0 ? p : (double) e / c;
      sum += share1;
      sumSq += share1 * share1;
    }
    double variance = (sumSq - sum * sum / replicates) / (replicates - 1);
    return Math.max(1, variance / (p * (1 - p) / n));
  }
}
