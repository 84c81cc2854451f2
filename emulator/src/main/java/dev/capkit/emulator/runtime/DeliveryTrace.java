package dev.capkit.emulator.runtime;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per delivery batch (one engine step's tokens for one event loop), when and how long it was written: the step's
 * end, when the batch's task started (after its short spin), when its last token was encoded, when its flushes had
 * gone to the sockets, how many tokens it held, and the writing thread's CPU time over the batch (so a burst's wall
 * time splits into running and not running). For benchmarks ({@link EngineMetrics#traceDeliveries}); costs two
 * {@code clock_gettime} calls per batch when on, nothing when off. Fixed capacity; batches beyond it are counted,
 * not kept.
 */
public final class DeliveryTrace {
  private static final int FIELDS = 7;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final long[] rows;
  private final int capacity;
  private final AtomicInteger next = new AtomicInteger();

  DeliveryTrace(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("trace capacity " + capacity + ": must be positive");
    }
    this.capacity = capacity;
    this.rows = new long[capacity * FIELDS];
  }

  /** The calling thread's CPU time, nanoseconds. */
  static long threadCpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  void record(long stepEnd, long taskStart, long tokensEnd, long flushEnd, int tokens, long cpuAtStart, long cpuAtEnd) {
    int i = next.getAndIncrement();
    if (i >= capacity) {
      return;
    }
    int o = i * FIELDS;
    rows[o] = stepEnd;
    rows[o + 1] = taskStart;
    rows[o + 2] = tokensEnd;
    rows[o + 3] = flushEnd;
    rows[o + 4] = tokens;
    rows[o + 5] = Thread.currentThread().getId();
    rows[o + 6] = cpuAtEnd - cpuAtStart;
  }

  /** Batches recorded so far (may exceed the capacity; only the first {@code capacity} are kept). */
  public int count() {
    return next.get();
  }

  /**
   * Writes the kept batches as CSV ({@code step_end_ns,task_start_ns,tokens_end_ns,flush_end_ns,tokens,thread,cpu_ns};
   * times on the {@code System.nanoTime} clock). Call when no batch is being written.
   */
  public void writeCsv(Path file) throws IOException {
    int n = Math.min(next.get(), capacity);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("step_end_ns,task_start_ns,tokens_end_ns,flush_end_ns,tokens,thread,cpu_ns\n");
      for (int i = 0; i < n; i++) {
        int o = i * FIELDS;
        w.write(rows[o] + "," + rows[o + 1] + "," + rows[o + 2] + "," + rows[o + 3] + "," + rows[o + 4] + ","
            + rows[o + 5] + "," + rows[o + 6] + "\n");
      }
    }
  }
}
