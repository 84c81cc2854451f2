package dev.capkit.simulations;

import dev.capkit.core.prometheus.PrometheusHistory;
import dev.capkit.core.prometheus.PrometheusQueryException;
import dev.capkit.core.prometheus.ServerHistory;
import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.core.run.PrometheusSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * {@code -Dcapkit.prometheus=URL} ({@link PrometheusSource}): at the end of the run,
 * {@link PrometheusHistory} reads the target's CPU and memory series (required) and vLLM's queue and
 * KV gauges (when the selector matches them) from the run's start to its end and writes them to the
 * run folder's {@code server-metrics.jsonl}, with the queries and window as its source.
 */
final class RunPrometheusOption {
  private RunPrometheusOption() {}

  /** Reads the run's window and writes it into the run folder; a failure is printed, the run's results stay. */
  static void writeHistory(PrometheusSource source, Path runFolder, Instant start, PrintStream out) {
    Instant end = Instant.now();
    Duration window = Duration.ofSeconds(Duration.between(start, end).toSeconds() + 1);
    try {
      List<String> optional = Arrays.asList(ServerSamplesReader.SERIES).subList(2, ServerSamplesReader.SERIES.length);
      ServerHistory h = PrometheusHistory.fetch(source.url(), source.selector(), source.series(), optional, end, window);
      double interval = h.samples().size() < 2 ? Double.NaN
          : (h.samples().get(h.samples().size() - 1).epochMillis() - h.samples().get(0).epochMillis()) / 1000.0 / (h.samples().size() - 1);
      try (ServerSamplesWriter w = ServerSamplesWriter.create(runFolder, h.source(), interval)) {
        for (ServerSample s : h.samples()) {
          w.append(s);
        }
      }
      out.println("capkit: server samples from " + h.source() + " written to " + ServerSamplesReader.FILE_NAME);
    } catch (PrometheusQueryException | IOException e) {
      out.println("capkit: server samples NOT read from Prometheus: " + e.getMessage());
    }
  }
}
