package dev.capkit.gate.stats;

import java.util.Arrays;

/**
 * A side's request counts second by second (as the run folder's {@code counts.csv} and a baseline's
 * {@code perSecondCounts} hold them): per second, the requests that ended, succeeded, and met every
 * objective. What the gate resamples in blocks of seconds to judge goodput and errors of dependent
 * requests. Immutable; {@code 0 <= good <= ok <= sent} in every second.
 *
 * <pre>{@code
 * CountSeries c = CountSeries.of(new long[] {8, 9}, new long[] {8, 8}, new long[] {7, 8});
 * c.missedGoodput();   // {1, 1}: sent - good per second
 * }</pre>
 */
public final class CountSeries {
  private final long[] sent;
  private final long[] ok;
  private final long[] good;

  private CountSeries(long[] sent, long[] ok, long[] good) {
    this.sent = sent;
    this.ok = ok;
    this.good = good;
  }

  /** @throws IllegalArgumentException when the arrays differ in length or a second's counts do not nest */
  public static CountSeries of(long[] sent, long[] ok, long[] good) {
    if (sent.length != ok.length || ok.length != good.length) {
      throw new IllegalArgumentException("sent, ok and good must cover the same seconds: " + sent.length + ", " + ok.length + ", " + good.length);
    }
    for (int s = 0; s < sent.length; s++) {
      if (good[s] < 0 || good[s] > ok[s] || ok[s] > sent[s]) {
        throw new IllegalArgumentException("second " + s + ": counts do not nest (sent " + sent[s] + ", ok " + ok[s] + ", good " + good[s] + ")");
      }
    }
    return new CountSeries(sent.clone(), ok.clone(), good.clone());
  }

  public int seconds() {
    return sent.length;
  }

  public long[] sent() {
    return sent.clone();
  }

  public long[] ok() {
    return ok.clone();
  }

  public long[] good() {
    return good.clone();
  }

  /** Per second, requests that failed: {@code sent - ok}. */
  public long[] failed() {
    long[] out = new long[sent.length];
    for (int s = 0; s < out.length; s++) {
      out[s] = sent[s] - ok[s];
    }
    return out;
  }

  /** Per second, requests that did not count as goodput (failed, or missed an objective): {@code sent - good}. */
  public long[] missedGoodput() {
    long[] out = new long[sent.length];
    for (int s = 0; s < out.length; s++) {
      out[s] = sent[s] - good[s];
    }
    return out;
  }

  public long totalSent() {
    return Arrays.stream(sent).sum();
  }

  public long totalOk() {
    return Arrays.stream(ok).sum();
  }

  public long totalGood() {
    return Arrays.stream(good).sum();
  }

  /** Second by second, the counts of both series (all kinds of a step pooled); the shorter one padded with empty seconds. */
  public CountSeries plus(CountSeries other) {
    int n = Math.max(seconds(), other.seconds());
    long[][] out = new long[3][n];
    for (int s = 0; s < n; s++) {
      out[0][s] = at(sent, s) + at(other.sent, s);
      out[1][s] = at(ok, s) + at(other.ok, s);
      out[2][s] = at(good, s) + at(other.good, s);
    }
    return new CountSeries(out[0], out[1], out[2]);
  }

  private static long at(long[] a, int s) {
    return s < a.length ? a[s] : 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CountSeries c && Arrays.equals(sent, c.sent) && Arrays.equals(ok, c.ok) && Arrays.equals(good, c.good);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sent) * 31 * 31 + Arrays.hashCode(ok) * 31 + Arrays.hashCode(good);
  }

  @Override
  public String toString() {
    return "CountSeries[" + seconds() + " s, sent " + totalSent() + ", ok " + totalOk() + ", good " + totalGood() + "]";
  }
}
