package dev.capkit.gate.stats;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The sample a histogram holds, as sorted distinct values with their counts: what the bootstrap
 * resamples. Quantiles follow HdrHistogram's definition (the value whose rank is {@code ceil(q n)},
 * reported as the highest value equivalent to its bucket), so {@link #quantile} matches
 * {@code Histogram.getValueAtPercentile} and the p99 printed in {@code run.json}.
 *
 * <pre>{@code
 * EmpiricalDistribution d = EmpiricalDistribution.of(e2eHistogram);
 * long p99Micros = d.quantile(0.99);
 * }</pre>
 */
public final class EmpiricalDistribution {
  private final long[] values;
  private final long[] cumulative;
  private final long count;

  private EmpiricalDistribution(long[] values, long[] cumulative) {
    this.values = values;
    this.cumulative = cumulative;
    this.count = cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
  }

  public static EmpiricalDistribution of(Histogram h) {
    List<long[]> rows = new ArrayList<>();
    for (HistogramIterationValue v : h.recordedValues()) {
      rows.add(new long[] {h.highestEquivalentValue(v.getValueIteratedTo()), v.getCountAtValueIteratedTo()});
    }
    long[] values = new long[rows.size()];
    long[] cumulative = new long[rows.size()];
    long sum = 0;
    for (int i = 0; i < rows.size(); i++) {
      values[i] = rows.get(i)[0];
      sum += rows.get(i)[1];
      cumulative[i] = sum;
    }
    return new EmpiricalDistribution(values, cumulative);
  }

  /** Number of values in the sample. */
  public long count() {
    return count;
  }

  /** The value of rank {@code max(1, ceil(q n))}; throws on an empty sample. */
  public long quantile(double q) {
    return valueAtRank(Math.max(1, (long) Math.ceil(q * count)));
  }

  /** The empirical quantile function at {@code u} in (0, 1]: the value of rank {@code ceil(u n)}. */
  public long inverse(double u) {
    return valueAtRank(Math.max(1, (long) Math.ceil(u * count)));
  }

  private long valueAtRank(long rank) {
    if (count == 0) {
      throw new IllegalStateException("empty sample has no quantile");
    }
    int lo = 0;
    int hi = cumulative.length - 1;
    long r = Math.min(rank, count);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] >= r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return values[lo];
  }
}
