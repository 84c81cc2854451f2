package dev.capkit.llamacpp.host;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures the two roofline ceilings of this machine's CPU as the llama.cpp engine uses it (its
 * "GPU" in the catalog): F32 fused multiply-add throughput and memory read bandwidth, with
 * {@code threads} threads working at once (llama.cpp's {@code --threads}).
 *
 * <ul>
 *   <li><b>FLOP/s</b>: each thread runs {@code y[i] = fma(a, x[i], y[i])} over two 2,048-float arrays
 *   that stay in its L1 cache (2 FLOPs per element; the JIT vectorizes it with the CPU's widest FMA
 *   units). llama.cpp's CPU kernels compute F16 weights in F32 after conversion, so this is the
 *   precision that matters. It is what a simple vectorized kernel reaches, a lower bound on the
 *   hardware's theoretical peak: the serving model's fitted MFU is relative to it.</li>
 *   <li><b>Bandwidth</b>: each thread sums its own {@code int[]} of {@code bytesPerThread} (far larger
 *   than the caches), as a decode step streams weights: bytes read / wall time.</li>
 * </ul>
 * Each figure is the best of {@code trials} trials (STREAM's convention: the best trial is the least
 * disturbed by other processes), after one untimed warm-up trial for the JIT. On a shared machine the
 * figures are the share this process got: quote the load average with them.
 *
 * <pre>{@code
 * HostRoofline.Figures f = HostRoofline.measure(2, 5, 1.0, 128L << 20);
 * f.flopsPerSecond();      // e.g. 8.0e10
 * f.readBytesPerSecond();  // e.g. 2.0e10
 * }</pre>
 */
public final class HostRoofline {
  /** Floats per FMA array: 8 KiB each, two per thread, inside any L1 data cache. */
  static final int FMA_FLOATS = 2048;
  private static final int FMA_SWEEPS_PER_CHECK = 2_000;

  private HostRoofline() {
  }

  /**
   * What one measurement gave.
   *
   * @param flopsPerSecond     best F32 FMA throughput over the trials, all threads together
   * @param readBytesPerSecond best read bandwidth over the trials, all threads together
   * @param flopsTrials        every timed trial's FLOP/s, in order
   * @param bandwidthTrials    every timed trial's bytes/s, in order
   * @param threads            threads working at once
   * @param bytesPerThread     bytes each thread read per bandwidth trial
   */
  public record Figures(double flopsPerSecond, double readBytesPerSecond, List<Double> flopsTrials, List<Double> bandwidthTrials,
      int threads, long bytesPerThread) {
  }

  /** Runs the warm-up and the timed trials; {@code trialSeconds} is the length of one FMA trial. */
  public static Figures measure(int threads, int trials, double trialSeconds, long bytesPerThread) {
    if (threads < 1 || trials < 1 || !(trialSeconds > 0) || bytesPerThread < (1 << 20)) {
      throw new IllegalArgumentException("threads and trials >= 1, trial seconds > 0, bytes per thread >= 1 MiB");
    }
    List<Double> flops = new ArrayList<>();
    fmaTrial(threads, Math.min(trialSeconds, 0.5)); // JIT warm-up
    for (int t = 0; t < trials; t++) {
      flops.add(fmaTrial(threads, trialSeconds));
    }
    int[][] arrays = new int[threads][];
    for (int i = 0; i < threads; i++) {
      arrays[i] = new int[(int) Math.min(Integer.MAX_VALUE - 8, bytesPerThread / Integer.BYTES)];
      java.util.Arrays.fill(arrays[i], i + 1); // touch every page before timing
    }
    List<Double> bandwidth = new ArrayList<>();
    readTrial(arrays); // warm-up
    for (int t = 0; t < trials; t++) {
      bandwidth.add(readTrial(arrays));
    }
    return new Figures(flops.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
        bandwidth.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), flops, bandwidth, threads,
        (long) arrays[0].length * Integer.BYTES);
  }

  /** FLOP/s of all threads running the FMA kernel together for about {@code seconds}. */
  static double fmaTrial(int threads, double seconds) {
    long[] sweeps = new long[threads];
    double wall = together(threads, i -> {
      float[] x = new float[FMA_FLOATS];
      float[] y = new float[FMA_FLOATS];
      for (int k = 0; k < FMA_FLOATS; k++) {
        x[k] = 1e-6f * k;
      }
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      long done = 0;
      float sink = 0;
      while (System.nanoTime() < deadline) {
        sink += fmaSweeps(x, y, 1.000001f, FMA_SWEEPS_PER_CHECK);
        done += FMA_SWEEPS_PER_CHECK;
      }
      sweeps[i] = done + (sink == Float.MIN_VALUE ? 1 : 0); // keeps the kernel's result alive
    });
    long total = 0;
    for (long s : sweeps) {
      total += s;
    }
    return 2.0 * FMA_FLOATS * total / wall;
  }

  static float fmaSweeps(float[] x, float[] y, float a, int sweeps) {
    for (int s = 0; s < sweeps; s++) {
      for (int i = 0; i < x.length; i++) {
        y[i] = Math.fma(a, x[i], y[i]);
      }
    }
    return y[y.length - 1];
  }

  /** Bytes/s of all threads each summing its own array at once. */
  static double readTrial(int[][] arrays) {
    int[] sums = new int[arrays.length];
    double wall = together(arrays.length, i -> sums[i] = sum(arrays[i]));
    long bytes = 0;
    for (int i = 0; i < arrays.length; i++) {
      bytes += (long) arrays[i].length * Integer.BYTES;
      if (sums[i] != (int) ((long) (i + 1) * arrays[i].length)) {
        throw new IllegalStateException("bandwidth kernel summed wrongly: " + sums[i]);
      }
    }
    return bytes / wall;
  }

  static int sum(int[] a) {
    int s = 0;
    for (int v : a) {
      s += v;
    }
    return s;
  }

  private interface Work {
    void run(int thread);
  }

  /** Runs {@code work} on {@code threads} threads released together; returns the wall seconds until the last finished. */
  private static double together(int threads, Work work) {
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int index = i;
      Thread t = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
          work.run(index);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "roofline-" + i);
      workers.add(t);
      t.start();
    }
    try {
      ready.await();
      long start = System.nanoTime();
      go.countDown();
      for (Thread t : workers) {
        t.join();
      }
      double wall = (System.nanoTime() - start) / 1e9;
      if (failure.get() != null) {
        throw new IllegalStateException("roofline worker failed: " + failure.get(), failure.get());
      }
      return wall;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    }
  }
}
