package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.planner.sizing.ContainerSizing;
import dev.capkit.planner.sizing.PodResources;
import dev.capkit.planner.sizing.ResourceSeries;
import dev.capkit.planner.sizing.SimpleStrategy;
import dev.capkit.planner.sizing.SizingSettings;
import dev.capkit.planner.sizing.VpaStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VPA and krr "simple" rules on fixed samples; "too few samples" said plainly; the samples file round trip. */
class ContainerSizingTest {
  private static final double MIB = 1 << 20;
  private static final double GIB = 1L << 30;

  @TempDir
  Path tmp;

  /** 21 samples 10 s apart: CPU rates 0.1, 0.2 .. 2.0 cores; RSS 3 GiB + i x 100 MiB. */
  static List<ServerSample> fixed() {
    List<ServerSample> out = new ArrayList<>();
    double cpu = 0;
    for (int i = 0; i <= 20; i++) {
      if (i > 0) {
        cpu += 0.1 * i * 10; // interval i used 0.1 x i cores for 10 s
      }
      out.add(new ServerSample(1_000_000L + i * 10_000L, Map.of("process_cpu_seconds_total", cpu,
          "process_resident_memory_bytes", 3 * GIB + i * 100 * MIB), null));
    }
    return out;
  }

  @Test
  void vpaRuleOnFixedSamples() {
    ResourceSeries s = ResourceSeries.of(fixed());
    assertEquals(20, s.cpuCores().length);
    assertEquals(200, s.spanSeconds(), 1e-9);
    ContainerSizing vpa = new VpaStrategy(dev.capkit.planner.sizing.VpaSettings.defaults()).recommend(s, SizingSettings.defaults());
    assertTrue(vpa.defined(), vpa.undefinedReason());
    // p90 of 0.1..2.0 (20 values, linear between order statistics): 0.1 + 0.9 x 19 x 0.1 = 1.81 cores; x 1.15
    assertEquals(1.81 * 1.15, vpa.cpuRequest(), 1e-9);
    assertEquals((0.1 + 0.5 * 19 * 0.1) * 1.15, vpa.cpuLower(), 1e-9);
    assertEquals((0.1 + 0.95 * 19 * 0.1) * 1.15, vpa.cpuUpper(), 1e-9);
    assertTrue(Double.isNaN(vpa.cpuLimit()), "no CPU limit");
    // 30-s windows: samples 0-2, 3-5, ..., 18-20: peaks at samples 2, 5, 8, 11, 14, 17, 20 -> p90 of 7 peaks
    double[] peaks = {2, 5, 8, 11, 14, 17, 20};
    double pos = 0.9 * (peaks.length - 1);
    double p90 = peaks[(int) pos] + (pos - (int) pos) * (peaks[(int) pos + 1] - peaks[(int) pos]);
    assertEquals((3 * GIB + p90 * 100 * MIB) * 1.15, vpa.memoryRequest(), 1);
    assertEquals((3 * GIB + 20 * 100 * MIB) * 1.15, vpa.memoryLimit(), 1);
  }

  @Test
  void krrSimpleRuleOnFixedSamples() {
    ContainerSizing simple = new SimpleStrategy(dev.capkit.planner.sizing.SimpleSettings.defaults())
        .recommend(ResourceSeries.of(fixed()), SizingSettings.defaults());
    assertEquals(0.1 + 0.95 * 19 * 0.1, simple.cpuRequest(), 1e-9);
    assertTrue(Double.isNaN(simple.cpuLimit()));
    assertEquals((3 * GIB + 2000 * MIB) * 1.15, simple.memoryRequest(), 1);
    assertEquals(simple.memoryRequest(), simple.memoryLimit());
  }

  @Test
  void vpaFloorsApplyToAnIdleProcess() {
    List<ServerSample> idle = new ArrayList<>();
    for (int i = 0; i <= 20; i++) {
      idle.add(new ServerSample(i * 10_000L, Map.of("process_cpu_seconds_total", 0.0, "process_resident_memory_bytes", 10 * MIB), null));
    }
    ContainerSizing vpa = new VpaStrategy(dev.capkit.planner.sizing.VpaSettings.defaults()).recommend(ResourceSeries.of(idle),
        SizingSettings.defaults());
    assertEquals(0.025, vpa.cpuRequest(), 1e-12);
    assertEquals(250 * MIB, vpa.memoryRequest(), 1e-6);
  }

  @Test
  void tooFewOrTooShortSamplesAreUndefined() {
    ContainerSizing few = new VpaStrategy(dev.capkit.planner.sizing.VpaSettings.defaults())
        .recommend(ResourceSeries.of(fixed().subList(0, 5)), SizingSettings.defaults());
    assertFalse(few.defined());
    assertTrue(few.undefinedReason().startsWith("undefined, because too few samples: 4 CPU-rate"), few.undefinedReason());
    List<ServerSample> quick = new ArrayList<>();
    for (int i = 0; i <= 20; i++) {
      quick.add(new ServerSample(i * 1_000L, Map.of("process_cpu_seconds_total", i * 0.5, "process_resident_memory_bytes", GIB), null));
    }
    ContainerSizing shortRun = new SimpleStrategy(dev.capkit.planner.sizing.SimpleSettings.defaults())
        .recommend(ResourceSeries.of(quick), SizingSettings.defaults());
    assertTrue(shortRun.undefinedReason().contains("span only 20 s"), shortRun.undefinedReason());
    PodResources pod = PodResources.of(List.of(few), SizingSettings.defaults(), 1, 16, 125, 19.2, 3.0);
    assertFalse(pod.measured());
    assertTrue(pod.basis().get(0).contains("NOT measured: undefined, because too few samples"), pod.basis().get(0));
  }

  @Test
  void podResourcesAddLoadingFloorAndShm() {
    ResourceSeries s = ResourceSeries.of(fixed());
    SizingSettings settings = SizingSettings.defaults();
    List<ContainerSizing> both = List.of(settings.strategy("vpa").recommend(s, settings), settings.strategy("simple").recommend(s, settings));
    PodResources pod = PodResources.of(both, settings, 1, 16, 125, 19.2, 3.0);
    assertTrue(pod.measured());
    assertEquals(22.2 * GIB, pod.loadingFloorBytes(), 1);
    assertEquals(5 * GIB, pod.shmBytes(), 1);
    // the weights pass through host memory while loading: the limit is the floor + /dev/shm, not the 5 GiB peak
    assertEquals(22.2 * GIB + 5 * GIB, pod.memoryLimit(), 1);
    assertEquals(both.get(0).cpuRequest(), pod.cpuRequest());
  }

  @Test
  void samplesFileRoundTripAndHalfLastLine() throws Exception {
    try (ServerSamplesWriter w = ServerSamplesWriter.create(tmp, "http://x/metrics", 10)) {
      for (ServerSample s : fixed()) {
        w.append(s);
      }
      w.append(new ServerSample(2_000_000L, Map.of(), "connect refused"));
    }
    Files.writeString(tmp.resolve(ServerSamplesReader.FILE_NAME), "{\"t\": 3", java.nio.file.StandardOpenOption.APPEND);
    ServerSamplesReader.Samples read = ServerSamplesReader.read(tmp).orElseThrow();
    assertEquals(22, read.samples().size());
    assertEquals(fixed().get(7), read.samples().get(7));
    assertEquals("connect refused", read.samples().get(21).error());
    assertEquals(10, read.intervalSeconds());
    assertTrue(ServerSamplesReader.read(tmp.resolve("nowhere")).isEmpty());
  }
}
