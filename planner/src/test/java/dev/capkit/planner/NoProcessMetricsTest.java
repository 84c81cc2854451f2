package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.ServerSample;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A run whose server samples never carry CPU or memory (llama.cpp's server) is said so in the plan's warnings. */
class NoProcessMetricsTest {

  @Test
  void samplesWithoutProcessSeriesAreNamed() {
    List<ServerSample> llama = List.of(new ServerSample(1_000, Map.of("capkit:requests_waiting", 4.0), null),
        new ServerSample(3_000, Map.of("capkit:requests_waiting", 2.0), null));
    Optional<String> w = Planner.noProcessMetrics(List.of(), llama);
    assertTrue(w.orElseThrow().startsWith("container cpu and memory NOT measured: the target exports no process metrics"), w.get());
    assertTrue(w.get().contains("2 server samples"), w.get());
  }

  @Test
  void samplesWithCpuOrNoSamplesAtAllSayNothingHere() {
    assertEquals(Optional.empty(), Planner.noProcessMetrics(List.of(),
        List.of(new ServerSample(1_000, Map.of("process_cpu_seconds_total", 3.0), null))));
    assertEquals(Optional.empty(), Planner.noProcessMetrics(List.of(), List.of()));
  }
}
