package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.prometheus.PrometheusHistory;
import dev.capkit.core.prometheus.PrometheusQueryException;
import dev.capkit.core.prometheus.ResourceSeriesNames;
import dev.capkit.core.prometheus.ServerHistory;
import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.planner.sizing.ContainerSizing;
import dev.capkit.planner.sizing.ResourceSeries;
import dev.capkit.planner.sizing.SizingSettings;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container sizing from Prometheus history equals sizing from capkit's own samples: a week of
 * minute samples of one serving process (CPU counter with a daily cycle and a restart, RSS with a
 * daily cycle) is written once as capkit's {@code server-metrics.jsonl} and once as OpenMetrics text
 * for two pods, backfilled into a real Prometheus' TSDB with
 * {@code promtool tsdb create-blocks-from openmetrics}, and read back with {@link PrometheusHistory}
 * ({@code --since 7d} and {@code 1d}, selector on one pod). The samples and the VPA and krr-simple
 * recommendations must be equal; a selector matching both pods is refused naming them.
 */
class PrometheusHistorySizingTest {
  private static final int MINUTES = 7 * 1440 - 5;

  @TempDir
  Path dir;

  @Test
  void sizingFromBackfilledPrometheusEqualsSizingFromCapkitsOwnSamples() throws Exception {
    Path promtool = LocalPrometheus.requireBinary("promtool");
    LocalPrometheus.requireBinary("prometheus");
    long endSeconds = Instant.now().getEpochSecond() / 60 * 60 - 60;
    List<ServerSample> pod0 = week(endSeconds, 7);
    List<ServerSample> pod1 = week(endSeconds, 8);

    Path run = Files.createDirectories(dir.resolve("run"));
    try (ServerSamplesWriter w = ServerSamplesWriter.create(run, "http://vllm-0:8000/metrics", 60)) {
      for (ServerSample s : pod0) {
        w.append(s);
      }
    }
    List<ServerSample> own = ServerSamplesReader.read(run).orElseThrow().samples();

    Path om = dir.resolve("history.om");
    writeOpenMetrics(om, Map.of("vllm-0", pod0, "vllm-1", pod1));
    Process p = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", om.toString(),
        dir.resolve("data").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("backfill.log").toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "backfill finished");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("backfill.log")));

    try (LocalPrometheus prometheus = LocalPrometheus.start(dir, List.of())) {
      ServerHistory week = PrometheusHistory.fetch(prometheus.base(), "{pod=\"vllm-0\"}", ResourceSeriesNames.PROCESS, Instant.now(),
          Duration.ofDays(7));
      assertEquals(own, week.samples(), "Prometheus returns exactly the samples capkit stored");
      assertEquals(sizings(own), sizings(week.samples()));
      assertTrue(week.source().contains("process_cpu_seconds_total{pod=\"vllm-0\"}[604800s]"), week.source());

      ServerHistory day = PrometheusHistory.fetch(prometheus.base(), "{pod=\"vllm-0\"}", ResourceSeriesNames.PROCESS, Instant.now(),
          Duration.ofDays(1));
      List<ServerSample> lastDay = own.subList(own.size() - day.samples().size(), own.size());
      assertTrue(day.samples().size() >= 1438 && day.samples().size() <= 1440, "a day of minute samples: " + day.samples().size());
      assertEquals(lastDay, day.samples());
      assertEquals(sizings(lastDay), sizings(day.samples()));

      PrometheusQueryException both = assertThrows(PrometheusQueryException.class, () -> PrometheusHistory.fetch(prometheus.base(), "",
          ResourceSeriesNames.PROCESS, Instant.now(), Duration.ofDays(7)));
      assertTrue(both.getMessage().startsWith("--selector: query process_cpu_seconds_total[604800s] matched 2 series")
          && both.getMessage().contains("vllm-1"), both.getMessage());
      PrometheusQueryException none = assertThrows(PrometheusQueryException.class, () -> PrometheusHistory.fetch(prometheus.base(),
          "{pod=\"vllm-9\"}", ResourceSeriesNames.PROCESS, Instant.now(), Duration.ofDays(7)));
      assertTrue(none.getMessage().contains("matched no series"), none.getMessage());
    }
  }

  private static List<ContainerSizing> sizings(List<ServerSample> samples) {
    SizingSettings settings = SizingSettings.defaults();
    List<ContainerSizing> out = new ArrayList<>();
    for (String name : SizingSettings.STRATEGIES) {
      ContainerSizing s = settings.strategy(name).recommend(ResourceSeries.of(samples), settings);
      assertTrue(s.defined(), name + ": " + s.undefinedReason());
      out.add(s);
    }
    return out;
  }

  /** A week of minute samples ending at {@code endSeconds}: daily CPU and memory cycles, noise, one restart. */
  private static List<ServerSample> week(long endSeconds, long seed) {
    Random random = new Random(seed);
    List<ServerSample> out = new ArrayList<>();
    double cpu = 1000 + random.nextInt(1000);
    for (int i = 0; i < MINUTES; i++) {
      double day = Math.sin(2 * Math.PI * i / 1440.0);
      double cores = 0.3 + 0.2 * day + 0.1 * random.nextDouble();
      cpu = i == MINUTES / 2 ? 5.0 : cpu + cores * 60; // a restart half-way: the counter starts again
      double rss = 3.2e9 + 4e8 * day + 1e8 * random.nextDouble() + (i == MINUTES / 3 ? 2e9 : 0);
      long t = (endSeconds - 60L * (MINUTES - 1 - i)) * 1000;
      out.add(new ServerSample(t, Map.of(ResourceSeriesNames.CANONICAL_CPU, cpu, ResourceSeriesNames.CANONICAL_MEMORY, Math.rint(rss)), null));
    }
    return out;
  }

  private static void writeOpenMetrics(Path file, Map<String, List<ServerSample>> pods) throws Exception {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("# HELP process_cpu_seconds Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds counter\n");
      for (var pod : new java.util.TreeMap<>(pods).entrySet()) {
        for (ServerSample s : pod.getValue()) {
          w.write("process_cpu_seconds_total{pod=\"" + pod.getKey() + "\"} " + s.value(ResourceSeriesNames.CANONICAL_CPU) + " "
              + s.epochMillis() / 1000 + "\n");
        }
      }
      w.write("# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n");
      for (var pod : new java.util.TreeMap<>(pods).entrySet()) {
        for (ServerSample s : pod.getValue()) {
          w.write("process_resident_memory_bytes{pod=\"" + pod.getKey() + "\"} " + s.value(ResourceSeriesNames.CANONICAL_MEMORY) + " "
              + s.epochMillis() / 1000 + "\n");
        }
      }
      w.write("# EOF\n");
    }
  }
}
