package dev.capkit.planner.sizing;

import dev.capkit.core.results.ServerSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CPU and memory usage of the serving process, derived from server samples: CPU cores used between
 * consecutive scrapes ({@code delta process_cpu_seconds_total / delta t}; a counter reset drops the
 * pair) and resident memory at each scrape.
 *
 * <pre>{@code
 * ResourceSeries s = ResourceSeries.of(samples);   // s.cpuCores().length == samples with a predecessor
 * }</pre>
 *
 * @param cpuCores       cores used per interval
 * @param memoryMillis   time of each memory sample
 * @param memoryBytes    resident bytes at each sample
 * @param spanSeconds    time from the first to the last sample
 */
public record ResourceSeries(double[] cpuCores, long[] memoryMillis, double[] memoryBytes, double spanSeconds) {
  static final String CPU = "process_cpu_seconds_total";
  static final String RSS = "process_resident_memory_bytes";

  public static ResourceSeries of(List<ServerSample> samples) {
    List<ServerSample> ok = new ArrayList<>(samples.stream().filter(ServerSample::ok).toList());
    ok.sort(Comparator.comparingLong(ServerSample::epochMillis));
    List<Double> cpu = new ArrayList<>();
    List<Long> memT = new ArrayList<>();
    List<Double> mem = new ArrayList<>();
    ServerSample previous = null;
    for (ServerSample s : ok) {
      double c = s.value(CPU);
      if (previous != null && !Double.isNaN(c) && !Double.isNaN(previous.value(CPU))) {
        double dt = (s.epochMillis() - previous.epochMillis()) / 1000.0;
        double dc = c - previous.value(CPU);
        if (dt > 0 && dc >= 0) {
          cpu.add(dc / dt);
        }
      }
      if (!Double.isNaN(c)) {
        previous = s;
      }
      if (!Double.isNaN(s.value(RSS))) {
        memT.add(s.epochMillis());
        mem.add(s.value(RSS));
      }
    }
    double span = ok.size() < 2 ? 0 : (ok.get(ok.size() - 1).epochMillis() - ok.get(0).epochMillis()) / 1000.0;
    return new ResourceSeries(cpu.stream().mapToDouble(Double::doubleValue).toArray(),
        memT.stream().mapToLong(Long::longValue).toArray(), mem.stream().mapToDouble(Double::doubleValue).toArray(), span);
  }

  /** Highest resident memory in each window of {@code seconds}, the way VPA keeps one peak per aggregation interval. */
  public double[] memoryPeaks(double seconds) {
    if (memoryBytes.length == 0) {
      return new double[0];
    }
    List<Double> peaks = new ArrayList<>();
    long windowMillis = Math.max(1, Math.round(seconds * 1000));
    long start = memoryMillis[0];
    double peak = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < memoryBytes.length; i++) {
      if (memoryMillis[i] - start >= windowMillis) {
        peaks.add(peak);
        start = memoryMillis[i];
        peak = Double.NEGATIVE_INFINITY;
      }
      peak = Math.max(peak, memoryBytes[i]);
    }
    peaks.add(peak);
    return peaks.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
