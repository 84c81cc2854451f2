package dev.capkit.planner.capacity;

import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The empirical quantile function of a latency histogram, flattened to its non-empty buckets so
 * that a bootstrap can ask it thousands of times cheaply (binary search instead of a walk over all
 * of HdrHistogram's buckets) and a ladder of thousands of steps stays small in memory (a few
 * hundred buckets instead of HdrHistogram's ~45,000 counters for 1 us..1 h at 3 digits). Values in milliseconds; a quantile is the highest value equivalent to
 * the bucket holding rank {@code ceil(q n)}, as {@link Histogram#getValueAtPercentile} answers.
 *
 * <pre>{@code
 * LatencyQuantiles q = LatencyQuantiles.ofMicros(histogram);
 * double p99ms = q.at(0.99);
 * }</pre>
 */
public final class LatencyQuantiles {
  private final double[] valuesMs;
  private final long[] cumulative;
  private final long count;

  private LatencyQuantiles(double[] valuesMs, long[] cumulative, long count) {
    this.valuesMs = valuesMs;
    this.cumulative = cumulative;
    this.count = count;
  }

  public static LatencyQuantiles ofMicros(Histogram h) {
    int n = 0;
    double[] values = new double[64];
    long[] cum = new long[64];
    long total = 0;
    if (h != null && h.getTotalCount() > 0) {
      for (HistogramIterationValue v : h.recordedValues()) {
        if (n == values.length) {
          values = Arrays.copyOf(values, n * 2);
          cum = Arrays.copyOf(cum, n * 2);
        }
        total += v.getCountAtValueIteratedTo();
        values[n] = h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
        cum[n] = total;
        n++;
      }
    }
    return new LatencyQuantiles(Arrays.copyOf(values, n), Arrays.copyOf(cum, n), total);
  }

  /**
   * From bucket values (microseconds, highest equivalent value of each bucket, ascending) and their counts.
   */
  public static LatencyQuantiles ofMicroCounts(long[] valuesMicros, long[] counts) {
    double[] values = new double[valuesMicros.length];
    long[] cum = new long[valuesMicros.length];
    long total = 0;
    for (int i = 0; i < values.length; i++) {
      total += counts[i];
      values[i] = valuesMicros[i] / 1000.0;
      cum[i] = total;
    }
    return new LatencyQuantiles(values, cum, total);
  }

  /** The requests of several steps pooled: bucket values merged, counts added. */
  public static LatencyQuantiles merge(java.util.List<LatencyQuantiles> parts) {
    java.util.TreeMap<Double, Long> counts = new java.util.TreeMap<>();
    for (LatencyQuantiles q : parts) {
      long previous = 0;
      for (int i = 0; i < q.valuesMs.length; i++) {
        counts.merge(q.valuesMs[i], q.cumulative[i] - previous, Long::sum);
        previous = q.cumulative[i];
      }
    }
    double[] values = new double[counts.size()];
    long[] cum = new long[counts.size()];
    long total = 0;
    int i = 0;
    for (var e : counts.entrySet()) {
      total += e.getValue();
      values[i] = e.getKey();
      cum[i++] = total;
    }
    return new LatencyQuantiles(values, cum, total);
  }

  public long count() {
    return count;
  }

  /** The {@code q}-quantile (0..1) in milliseconds; NaN when empty. */
  public double at(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, Math.min(count, (long) Math.ceil(q * count)));
    int i = Arrays.binarySearch(cumulative, rank);
    if (i < 0) {
      i = -i - 1;
    }
    return valuesMs[Math.min(i, valuesMs.length - 1)];
  }
}
