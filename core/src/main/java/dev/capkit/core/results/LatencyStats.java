package dev.capkit.core.results;

import org.HdrHistogram.Histogram;

/**
 * Summary of one latency histogram in milliseconds. Percentiles come from HdrHistogram (3
 * significant digits), so they are within 0.1% of the exact sample percentile.
 */
public record LatencyStats(long count, double mean, double p50, double p90, double p95, double p99, double p999, double max) {
  public static final LatencyStats EMPTY = new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** Summarises a histogram whose values are microseconds. */
  public static LatencyStats ofMicros(Histogram h) {
    if (h.getTotalCount() == 0) {
      return EMPTY;
    }
    return new LatencyStats(h.getTotalCount(), ms(h.getMean()),
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(95)),
        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
  }

  /** The value at a named percentile such as 99 or 99.9 when it is one of the stored ones. */
  public double at(double percentile) {
    if (percentile == 50) return p50;
    if (percentile == 90) return p90;
    if (percentile == 95) return p95;
    if (percentile == 99) return p99;
    if (percentile == 99.9) return p999;
    if (percentile == 100) return max;
    return Double.NaN;
  }

  private static double ms(double micros) {
    return Math.round(micros) / 1000.0;
  }
}
