package dev.capkit.simulations;

import dev.capkit.core.prometheus.PrometheusHistory;
import dev.capkit.core.prometheus.PrometheusQueryException;
import dev.capkit.core.prometheus.ServerHistory;
import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.core.results.ServerSeries;
import dev.capkit.core.run.PrometheusSource;
import dev.capkit.loadgen.EngineVocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code -Dcapkit.prometheus=URL} ({@link PrometheusSource}): at the end of the run,
 * {@link PrometheusHistory} reads the target's CPU and memory series (required) and the engine's queue,
 * KV and token series and dcgm-exporter's GPU series (when the selector matches them) from the run's start to its end and writes them to the
 * run folder's {@code server-metrics.jsonl}, with the queries and window as its source.
 */
final class RunPrometheusOption {
  private RunPrometheusOption() {}

  /** Reads the run's window and writes it into the run folder; a failure is printed, the run's results stay. */
  static void writeHistory(PrometheusSource source, Path runFolder, Instant start, PrintStream out) {
    Instant end = Instant.now();
    Duration window = Duration.ofSeconds(Duration.between(start, end).toSeconds() + 1);
    try {
      // Prometheus stores the engine's own names (vllm:*, sglang:*, llamacpp:*, tgi_*) and dcgm-exporter's:
      // ask for those, then add capkit's vocabulary to each sample as the direct scrape does.
      List<String> optional = new ArrayList<>(EngineVocabulary.engineSeries());
      Arrays.stream(ServerSamplesReader.SERIES).filter(n -> !ServerSeries.ALL.contains(n)).forEach(optional::add);
      ServerHistory h = PrometheusHistory.fetch(source.url(), source.selector(), source.series(), optional, end, window);
      double interval = h.samples().size() < 2 ? Double.NaN
          : (h.samples().get(h.samples().size() - 1).epochMillis() - h.samples().get(0).epochMillis()) / 1000.0 / (h.samples().size() - 1);
      try (ServerSamplesWriter w = ServerSamplesWriter.create(runFolder, h.source(), interval)) {
        for (ServerSample s : h.samples()) {
          w.append(new ServerSample(s.epochMillis(), EngineVocabulary.translate(s.values()), s.error()));
        }
      }
      out.println("capkit: server samples from " + h.source() + " written to " + ServerSamplesReader.FILE_NAME);
    } catch (PrometheusQueryException | IOException e) {
      out.println("capkit: server samples NOT read from Prometheus: " + e.getMessage());
    }
  }
}
