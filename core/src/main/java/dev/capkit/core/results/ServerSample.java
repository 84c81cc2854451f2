package dev.capkit.core.results;

import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of the target's Prometheus {@code /metrics}: when, and the value of each kept series
 * (label-free name, or {@code name{labels}} when the series has labels). A failed scrape keeps its
 * time and the reason in {@code error} with no values, so gaps are visible rather than silent.
 * Stored as one line of {@code server-metrics.jsonl} (see {@link ServerSamplesReader}).
 *
 * <pre>{@code
 * ServerSample s = new ServerSample(System.currentTimeMillis(), Map.of("process_cpu_seconds_total", 12.5), null);
 * double cpu = s.value("process_cpu_seconds_total");   // NaN when absent
 * }</pre>
 */
public record ServerSample(long epochMillis, Map<String, Double> values, String error) {
  public ServerSample {
    values = java.util.Collections.unmodifiableMap(new TreeMap<>(values)); // sorted: stable file content
  }

  public double value(String series) {
    Double v = values.get(series);
    return v == null ? Double.NaN : v;
  }

  public boolean ok() {
    return error == null;
  }
}
