package dev.capkit.loadgen;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@link ClientPathBenchmark} operations timed by the thread's CPU time instead of the wall
 * clock: on a shared machine a thread waiting for a core accrues no CPU time, so CPU ns per request
 * and per chunk stay meaningful when JMH's wall-clock averages do not (cache and frequency effects
 * of the other load remain). Prints the median of 7 rounds after warm-up rounds.
 */
public final class ClientPathCpu {

  private ClientPathCpu() {}

  public static void main(String[] args) {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ClientPathBenchmark bench = new ClientPathBenchmark();
    bench.setUp();
    try {
      long sink = 0;
      double[] perRequest = new double[7];
      double[] perChunk = new double[7];
      for (int round = -5; round < perRequest.length; round++) { // 5 warm-up rounds
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < requests; i++) {
          sink += bench.request();
        }
        long t1 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < requests; i++) {
          sink += bench.chunk();
        }
        long t2 = threads.getCurrentThreadCpuTime();
        if (round >= 0) {
          perRequest[round] = (t1 - t0) / (double) requests;
          perChunk[round] = (t2 - t1) / (double) requests / ClientPathBenchmark.EVENTS;
        }
      }
      Arrays.sort(perRequest);
      Arrays.sort(perChunk);
      System.out.printf(Locale.ROOT, "thread CPU, median of 7 rounds of %d: request %.0f ns/request (%.0f..%.0f),"
          + " chunk %.1f ns/chunk (%.1f..%.1f)  [%d]%n", requests, perRequest[3], perRequest[0], perRequest[6],
          perChunk[3], perChunk[0], perChunk[6], sink & 1);
    } finally {
      bench.tearDown();
    }
  }
}
