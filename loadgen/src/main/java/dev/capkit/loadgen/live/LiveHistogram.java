package dev.capkit.loadgen.live;

import java.util.List;

/**
 * A Prometheus classic histogram of seconds with fixed bucket bounds: observations are counted in
 * the first bucket whose bound is at or above them; {@link #snapshot} returns cumulative counts, the
 * sum and the count taken together, so a scrape never sees a bucket above {@code +Inf}.
 */
final class LiveHistogram {
  /** Cumulative counts per bound (the last entry is {@code +Inf}, equal to {@code count}). */
  record Snapshot(List<Double> bounds, long[] cumulative, double sum, long count) {}

  private final List<Double> bounds;
  private final long[] counts;
  private double sum;
  private long count;

  LiveHistogram(List<Double> bounds) {
    this.bounds = List.copyOf(bounds);
    this.counts = new long[bounds.size() + 1];
  }

  synchronized void observe(double seconds) {
    int i = 0;
    while (i < bounds.size() && seconds > bounds.get(i)) {
      i++;
    }
    counts[i]++;
    sum += seconds;
    count++;
  }

  synchronized Snapshot snapshot() {
    long[] cumulative = new long[counts.length];
    long running = 0;
    for (int i = 0; i < counts.length; i++) {
      running += counts[i];
      cumulative[i] = running;
    }
    return new Snapshot(bounds, cumulative, sum, count);
  }
}
