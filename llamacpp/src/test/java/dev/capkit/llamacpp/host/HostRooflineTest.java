package dev.capkit.llamacpp.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.GpuSpec;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roofline benchmark's kernels compute what they claim, and what {@code ./capkit roofline}
 * prints is a {@code gpus.json} entry the catalog reader accepts as a CPU device (short trials: the
 * figures here say nothing about the machine).
 */
class HostRooflineTest {

  @Test
  void kernelsComputeWhatTheyCount() {
    float[] x = {1f, 2f, 3f};
    float[] y = new float[3];
    assertEquals(3 * 0.5f * 3f, HostRoofline.fmaSweeps(x, y, 0.5f, 3), 0f); // y[2] = 3 sweeps x 0.5 x 3
    int[] a = new int[1000];
    java.util.Arrays.fill(a, 7);
    assertEquals(7000, HostRoofline.sum(a));
    assertEquals(2048L * 1024, HostFacts.kib(List.of("MemFree: 1 kB", "MemAvailable:    2048 kB"), "MemAvailable:"));
    assertEquals("AMD EPYC", HostFacts.cpuModel(List.of("processor\t: 0", "model name\t: AMD EPYC")));
  }

  @Test
  void printedEntryIsACatalogCpu(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = HostRooflineMain.run(new String[] {"--id", "CPU-TEST", "--threads", "1", "--trials", "2", "--trial-seconds", "0.05",
        "--mib-per-thread", "8"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertEquals(0, code);
    ObjectMapper json = new ObjectMapper();
    ObjectNode entry = (ObjectNode) json.readTree(out.toString(StandardCharsets.UTF_8));
    assertEquals("measured", entry.path("measurement").path("basis").asText());
    assertTrue(entry.path("mem_bandwidth_gbps").path("source").asText().contains("./capkit roofline --id CPU-TEST --threads 1"));
    for (String f : new String[] {"models.json", "tiers.json", "serving.json"}) {
      try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(Catalog.CLASSPATH_DIR + f)) {
        Files.write(dir.resolve(f), in.readAllBytes());
      }
    }
    ObjectNode gpus = json.createObjectNode().put("format", "capkit.catalog.gpus/1");
    ArrayNode list = gpus.putArray("gpus");
    list.add(entry);
    Files.writeString(dir.resolve("gpus.json"), gpus.toString());
    Files.writeString(dir.resolve("tiers.json"), "{\"format\": \"capkit.catalog.tiers/1\", \"tiers\": []}");
    GpuSpec cpu = Catalog.load(dir).gpu("CPU-TEST");
    assertTrue(cpu.cpu());
    assertTrue(cpu.fp16Tflops() > 0 && cpu.memBandwidthGBps() > 0 && cpu.vramGib() > 0, cpu.toString());
    assertEquals(0, cpu.computeCapability());
  }

  @Test
  void badFlagsExitTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, HostRooflineMain.run(new String[] {"--threads", "0"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--threads"), err.toString(StandardCharsets.UTF_8));
    assertEquals(2, HostRooflineMain.run(new String[] {"--trials", "x"}, System.out, System.err));
  }
}
