package dev.capkit.gate.stats;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * One side's moving-block bootstrap replicates of an upper quantile (see {@link HistogramBootstrap}):
 * {@code ceil(T / L)} blocks of {@code L} consecutive seconds drawn from the {@code T - L + 1}
 * possible starts, the last one cut to {@code r = T - (ceil(T / L) - 1) L} seconds so the replicate
 * spans {@code T} seconds; its quantile is the value of rank {@code ceil(q n*)} among the {@code n*}
 * values drawn. An upper quantile is the {@code m}-th highest value with
 * {@code m = n* - ceil(q n*) + 1} (4 for the p99 of 400 values), so each possible block keeps only its
 * {@value #TOP} highest values, computed once; a replicate merges the tops of its blocks. A replicate
 * that needs more than {@value #TOP} falls back to collecting every value.
 */
final class MovingBlocks {
  static final int TOP = 64;

  private final SecondSeries series;
  private final int block;
  private final int lastLength;
  private final double q;
  private final long[][] fullTops; // by start: the top values of seconds start .. start + block - 1, highest first
  private final long[] fullCounts;
  private final long[][] lastTops; // the same for the cut last block
  private final long[] lastCounts;
  private final int[] drawn;

  MovingBlocks(SecondSeries series, int block, double q) {
    int t = series.seconds();
    if (block < 1 || t < block) {
      throw new IllegalArgumentException("a series of " + t + " s cannot be cut into blocks of " + block + " s");
    }
    this.series = series;
    this.block = block;
    this.q = q;
    int blocks = (t + block - 1) / block;
    this.lastLength = t - (blocks - 1) * block;
    this.fullCounts = new long[t - block + 1];
    this.fullTops = tops(block, fullCounts);
    this.lastCounts = new long[t - lastLength + 1];
    this.lastTops = lastLength == block ? fullTops : tops(lastLength, lastCounts);
    if (lastLength == block) {
      System.arraycopy(fullCounts, 0, lastCounts, 0, fullCounts.length);
    }
    this.drawn = new int[blocks];
  }

  int blockSeconds() {
    return block;
  }

  private long[][] tops(int length, long[] counts) {
    long[][] out = new long[series.seconds() - length + 1][];
    for (int start = 0; start < out.length; start++) {
      counts[start] = series.countIn(start, length);
      long[] all = new long[(int) counts[start]];
      int i = 0;
      for (int s = start; s < start + length; s++) {
        for (long v : series.descending(s)) {
          all[i++] = v;
        }
      }
      Arrays.sort(all);
      long[] top = new long[Math.min(TOP, all.length)];
      for (int j = 0; j < top.length; j++) {
        top[j] = all[all.length - 1 - j];
      }
      out[start] = top;
    }
    return out;
  }

  /**
   * One replicate's quantile, microseconds.
   *
   * @param uniformBelow {@code n -> } a uniformly drawn integer in {@code [0, n)}
   */
  long quantile(IntUnaryOperator uniformBelow) {
    long n = 0;
    while (n == 0) { // a replicate of only empty seconds has no quantile: draw again
      n = draw(uniformBelow);
    }
    long rank = Math.max(1, (long) Math.ceil(q * n));
    long m = n - rank + 1;
    return m <= TOP ? mthHighest((int) m) : byFullSort(rank, n);
  }

  private long draw(IntUnaryOperator uniformBelow) {
    long n = 0;
    int last = drawn.length - 1;
    for (int i = 0; i < last; i++) {
      drawn[i] = uniformBelow.applyAsInt(fullCounts.length);
      n += fullCounts[drawn[i]];
    }
    drawn[last] = uniformBelow.applyAsInt(lastCounts.length);
    return n + lastCounts[drawn[last]];
  }

  /** The m-th highest value of the drawn blocks, keeping the m highest seen in a small sorted array. */
  private long mthHighest(int m) {
    long[] top = new long[m]; // descending; filled up to size
    int size = 0;
    for (int b = 0; b < drawn.length; b++) {
      long[] values = b == drawn.length - 1 ? lastTops[drawn[b]] : fullTops[drawn[b]];
      for (long v : values) {
        if (size == m && v <= top[m - 1]) {
          break; // the rest of this block is lower still
        }
        int at = size < m ? size++ : m - 1;
        while (at > 0 && top[at - 1] < v) {
          top[at] = top[at - 1];
          at--;
        }
        top[at] = v;
      }
    }
    return top[m - 1];
  }

  private long byFullSort(long rank, long n) {
    long[] all = new long[(int) n];
    int i = 0;
    for (int b = 0; b < drawn.length; b++) {
      int length = b == drawn.length - 1 ? lastLength : block;
      for (int s = drawn[b]; s < drawn[b] + length; s++) {
        for (long v : series.descending(s)) {
          all[i++] = v;
        }
      }
    }
    Arrays.sort(all);
    return all[(int) rank - 1];
  }
}
