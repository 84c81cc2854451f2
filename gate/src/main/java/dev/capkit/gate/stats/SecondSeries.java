package dev.capkit.gate.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A sample split into the consecutive seconds of a step (one interval histogram per second, as the
 * run folder's interval logs and a baseline's {@code perSecond} field hold them): what the
 * moving-block bootstrap resamples. Each second keeps its values highest first, as HdrHistogram's
 * highest equivalent value of their bucket (1 µs to 1 h, 3 significant digits, as
 * {@link EmpiricalDistribution} reports them), so a replicate's upper quantile needs only the top few
 * values of each second it draws. Immutable.
 *
 * <pre>{@code
 * SecondSeries s = SecondSeries.of(List.of(second0, second1, second2));   // an empty second is an empty histogram
 * s.seconds();   // 3
 * }</pre>
 */
public final class SecondSeries {
  /** Only its bucket layout is used: the run folder's histograms (1 µs to 1 h, 3 significant digits). */
  private static final Histogram LAYOUT = new Histogram(1, 3_600_000_000L, 3);

  private final long[][] descending;
  private final long[] cumulative; // cumulative[i] = values in seconds 0..i-1
  private EmpiricalDistribution pooled;

  private SecondSeries(long[][] descending) {
    this.descending = descending;
    this.cumulative = new long[descending.length + 1];
    for (int i = 0; i < descending.length; i++) {
      cumulative[i + 1] = cumulative[i] + descending[i].length;
    }
  }

  /** @param perSecond one histogram per second of the step, in order; an empty one for a second without values */
  public static SecondSeries of(List<Histogram> perSecond) {
    long[][] seconds = new long[perSecond.size()][];
    for (int i = 0; i < seconds.length; i++) {
      Histogram h = perSecond.get(i);
      List<Long> values = new ArrayList<>();
      for (HistogramIterationValue v : h.recordedValues()) {
        long value = h.highestEquivalentValue(v.getValueIteratedTo());
        for (long c = 0; c < v.getCountAtValueIteratedTo(); c++) {
          values.add(value);
        }
      }
      long[] d = new long[values.size()];
      for (int j = 0; j < d.length; j++) {
        d[j] = values.get(d.length - 1 - j); // recordedValues iterates lowest first
      }
      seconds[i] = d;
    }
    return new SecondSeries(seconds);
  }

  /** @param microsPerSecond raw values (microseconds, within 1 µs to 1 h) of each second; reported as their bucket's highest equivalent value */
  public static SecondSeries ofValues(List<long[]> microsPerSecond) {
    long[][] seconds = new long[microsPerSecond.size()][];
    for (int i = 0; i < seconds.length; i++) {
      long[] d = microsPerSecond.get(i).clone();
      for (int j = 0; j < d.length; j++) {
        d[j] = LAYOUT.highestEquivalentValue(d[j]);
      }
      Arrays.sort(d);
      reverse(d);
      seconds[i] = d;
    }
    return new SecondSeries(seconds);
  }

  /** Second by second, the values of both series (all kinds of a step pooled); the shorter one is padded with empty seconds. */
  public SecondSeries plus(SecondSeries other) {
    long[][] out = new long[Math.max(seconds(), other.seconds())][];
    for (int i = 0; i < out.length; i++) {
      long[] a = i < seconds() ? descending[i] : new long[0];
      long[] b = i < other.seconds() ? other.descending[i] : new long[0];
      long[] both = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, both, a.length, b.length);
      Arrays.sort(both);
      reverse(both);
      out[i] = both;
    }
    return new SecondSeries(out);
  }

  /** Number of seconds (the step's length in intervals, empty seconds included). */
  public int seconds() {
    return descending.length;
  }

  /** Values in all seconds. */
  public long count() {
    return cumulative[descending.length];
  }

  /** Values in seconds {@code from .. from + length - 1}. */
  long countIn(int from, int length) {
    return cumulative[from + length] - cumulative[from];
  }

  /** The values of one second, highest first (do not modify). */
  long[] descending(int second) {
    return descending[second];
  }

  /**
   * Read as E2E latencies by completion second: how many requests were in flight during each second.
   * A value {@code v} completing in second {@code s} is counted in every second from
   * {@code floor(s + 0.5 - v)} (its send time, taking the completion at mid-second) to {@code s}.
   * Near saturation this is the queue's length, which carries the dependence between requests.
   */
  public double[] inFlight() {
    double[] out = new double[descending.length];
    for (int s = 0; s < descending.length; s++) {
      for (long v : descending[s]) {
        int from = (int) Math.max(0, Math.floor(s + 0.5 - v / 1e6));
        for (int t = from; t <= s; t++) {
          out[t]++;
        }
      }
    }
    return out;
  }

  /** The histogram of one second (as a baseline file stores it). */
  public Histogram histogram(int second) {
    Histogram h = new Histogram(1, 3_600_000_000L, 3);
    for (long v : descending[second]) {
      h.recordValue(v);
    }
    return h;
  }

  /** All seconds pooled. */
  public synchronized EmpiricalDistribution pooled() {
    if (pooled == null) {
      Histogram all = new Histogram(1, 3_600_000_000L, 3);
      for (long[] second : descending) {
        for (long v : second) {
          all.recordValue(v);
        }
      }
      pooled = EmpiricalDistribution.of(all);
    }
    return pooled;
  }

  private static void reverse(long[] a) {
    for (int i = 0, j = a.length - 1; i < j; i++, j--) {
      long t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecondSeries s && Arrays.deepEquals(descending, s.descending);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(descending);
  }

  @Override
  public String toString() {
    return "SecondSeries[" + seconds() + " s, " + count() + " values]";
  }
}
