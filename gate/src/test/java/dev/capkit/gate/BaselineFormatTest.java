package dev.capkit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baseline format v1: the golden file, a round trip through a real run folder, and errors naming file and field. */
class BaselineFormatTest {
  @TempDir
  Path tmp;

  /**
   * The golden file reads back to the known figures, and writing those figures gives the same JSON.
   * Histograms are compared by content, not bytes: the deflate stream inside may differ between zlib builds.
   */
  @Test
  void goldenFileV1StillReads() throws IOException {
    Path golden = Golden.DIR.resolve("baseline-v1.json");
    RunFigures read = BaselineReader.read(golden);
    assertFalse(read.workload().recorded(), "v1 records no workload");
    assertKnownFigures(read);
    // v1 is v2 without the workload: the same figures written today differ only by version and workload
    ObjectNode v2 = (ObjectNode) new ObjectMapper().readTree(BaselineWriter.toJson(Fixtures.figures()));
    v2.put("capkitBaseline", 1);
    v2.remove("workload");
    assertEquals(decoded(Files.readString(golden)), decoded(v2.toString()));
  }

  @Test
  void goldenFileV2() throws IOException {
    Path golden = Golden.DIR.resolve("baseline-v2.json");
    String written = BaselineWriter.toJson(Fixtures.figures());
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, written);
    }
    RunFigures read = BaselineReader.read(golden);
    assertEquals(Fixtures.workload(), read.workload());
    assertKnownFigures(read);
    assertEquals(decoded(Files.readString(golden)), decoded(written));
  }

  @Test
  void v2WithoutItsWorkloadIsRefused() throws IOException {
    Path f = tmp.resolve("v2.json");
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(BaselineWriter.toJson(Fixtures.figures()));
    root.remove("workload");
    Files.writeString(f, root.toString());
    assertEquals(f + ": field 'workload' missing", assertThrows(IOException.class, () -> BaselineReader.read(f)).getMessage());
  }

  private static void assertKnownFigures(RunFigures read) {
    assertEquals("gate-smoke", read.scenario().name());
    assertEquals(Map.of("chat", 0.9, "chat-blocking", 0.1), read.scenario().mix());
    StepFigures s = read.steps().get(0);
    assertEquals(350, s.sent());
    assertEquals(345, s.good());
    assertEquals(309, s.kinds().get("chat").histogram("e2e").getTotalCount());
    assertEquals(3_060_000, s.kinds().get("chat").histogram("e2e").getValueAtPercentile(99), 3_060_000 * 0.001);
    assertEquals(0, s.kinds().get("chat-blocking").histogram("ttft").getTotalCount(), "absent metric reads as empty");
  }

  @Test
  void roundTripOfARealRunFolderKeepsEveryCountAndPercentile() throws IOException {
    Path run = VirtualRunFolder.write(tmp.resolve("run"), GateMainTest.SMOKE, Map.of(), 1000, 1.0);
    RunFigures original = RunFigures.ofRun(run);
    Path file = tmp.resolve("b.json");
    BaselineWriter.write(original, file);
    assertTrue(Files.size(file) < 64 * 1024, "small: " + Files.size(file) + " bytes");
    RunFigures back = BaselineReader.read(file);
    assertEquals(original.scenario(), back.scenario());
    assertEquals(original.workload(), back.workload());
    assertTrue(back.workload().fields().containsKey("emulator.slowdown") && back.workload().fields().containsKey("objectives.e2e.p99"),
        back.workload().toString());
    StepFigures a = original.steps().get(0);
    StepFigures b = back.steps().get(0);
    assertEquals(a.sent(), b.sent());
    assertEquals(a.good(), b.good());
    for (String kind : a.kinds().keySet()) {
      for (String m : a.kinds().get(kind).histograms().keySet()) {
        assertEquals(a.kinds().get(kind).histogram(m), b.kinds().get(kind).histogram(m), kind + " " + m);
      }
      assertFalse(a.kinds().get(kind).perSecond().isEmpty(), "a run folder has per-second histograms");
      assertEquals(a.kinds().get(kind).perSecond(), b.kinds().get(kind).perSecond(), kind + " per second");
      assertTrue(a.kinds().get(kind).counts() != null, "a run folder has per-second counts");
      assertEquals(a.kinds().get(kind).counts(), b.kinds().get(kind).counts(), kind + " counts per second");
    }
    var step = dev.capkit.core.results.RunReader.read(run).steps().get(0);
    assertEquals(step.metric(dev.capkit.core.results.Metric.E2E).p99(),
        b.allKinds().histogram("e2e").getValueAtPercentile(99) / 1000.0, 0.0015, "p99 equals run.json's");
  }

  @Test
  void errorsNameTheFileAndField() throws IOException {
    Path f = tmp.resolve("bad.json");
    Files.writeString(f, "{}");
    assertEquals(f + ": field 'capkitBaseline' missing: not a capkit baseline file",
        assertThrows(IOException.class, () -> BaselineReader.read(f)).getMessage());
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(BaselineWriter.toJson(Fixtures.figures()));
    ((ObjectNode) root.get("steps").get(0).get("kinds").get("chat").get("histograms")).put("e2e", "not base64!");
    Files.writeString(f, root.toString());
    String message = assertThrows(IOException.class, () -> BaselineReader.read(f)).getMessage();
    assertTrue(message.startsWith(f + ": field 'steps[0].kinds.chat.histograms.e2e': not a compressed HdrHistogram"), message);
    root.put("histogramUnit", "milliseconds");
    Files.writeString(f, root.toString());
    assertEquals(f + ": field 'histogramUnit' is 'milliseconds'; expected 'microseconds'",
        assertThrows(IOException.class, () -> BaselineReader.read(f)).getMessage());
  }

  /** perSecond is optional; when present each metric's seconds must add up to its histogram, else the file is corrupt. */
  @Test
  void perSecondHistogramsThatDoNotAddUpAreCorruption() throws IOException {
    Path file = tmp.resolve("b.json");
    BaselineWriter.write(RunFigures.ofRun(VirtualRunFolder.write(tmp.resolve("run"), GateMainTest.SMOKE, Map.of("duration", "25s"), 1000, 1.0)), file);
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
    var seconds = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("steps").get(0).get("kinds").get("chat").get("perSecond").get("e2e");
    int lost = 0;
    while (seconds.get(lost).asText().isEmpty()) {
      lost++;
    }
    seconds.set(lost, com.fasterxml.jackson.databind.node.TextNode.valueOf(""));
    Files.writeString(file, root.toString());
    String message = assertThrows(IOException.class, () -> BaselineReader.read(file)).getMessage();
    assertTrue(message.startsWith(file + ": field 'steps[0].kinds.chat.perSecond.e2e' holds "), message);
    ((ObjectNode) root.get("steps").get(0).get("kinds").get("chat")).remove("perSecond");
    Files.writeString(file, root.toString());
    assertTrue(BaselineReader.read(file).steps().get(0).kinds().get("chat").perSecond().isEmpty(), "without it: read, no seconds");
  }

  /** perSecondCounts is optional; when present it must nest and add up to the kind's and step's counts, else the file is corrupt. */
  @Test
  void perSecondCountsThatDoNotAddUpOrNestAreCorruption() throws IOException {
    Path file = tmp.resolve("b.json");
    BaselineWriter.write(RunFigures.ofRun(VirtualRunFolder.write(tmp.resolve("run"), GateMainTest.SMOKE, Map.of("duration", "25s"), 1000, 1.0)), file);
    String sound = Files.readString(file);
    java.util.function.Function<java.util.function.Consumer<ObjectNode>, String> corrupt = change -> {
      try {
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(sound);
        change.accept((ObjectNode) root.get("steps").get(0).get("kinds").get("chat").get("perSecondCounts"));
        Files.writeString(file, root.toString());
        return assertThrows(IOException.class, () -> BaselineReader.read(file)).getMessage();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    String field = file + ": field 'steps[0].kinds.chat.perSecondCounts";
    String lost = corrupt.apply(c -> {
      var sent = (com.fasterxml.jackson.databind.node.ArrayNode) c.get("sent");
      var ok = (com.fasterxml.jackson.databind.node.ArrayNode) c.get("ok");
      var good = (com.fasterxml.jackson.databind.node.ArrayNode) c.get("good");
      sent.set(3, sent.get(3).asLong() - 1); // one request lost from second 3 (chat sends 7 a second: it has some)
      ok.set(3, Math.min(ok.get(3).asLong(), sent.get(3).asLong()));
      good.set(3, Math.min(good.get(3).asLong(), ok.get(3).asLong()));
    });
    assertTrue(lost.startsWith(field + "' adds up to sent "), lost);
    String nest = corrupt.apply(c -> ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("good")).set(3, 10_000));
    assertTrue(nest.startsWith(field + "': second 3: counts do not nest"), nest);
    String shorter = corrupt.apply(c -> ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("ok")).remove(0));
    assertTrue(shorter.contains("(must be equal)"), shorter);
    String negative = corrupt.apply(c -> ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("sent")).set(0, -1));
    assertTrue(negative.startsWith(field + ".sent[0]' is not a count"), negative);
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(sound);
    ((ObjectNode) root.get("steps").get(0).get("kinds").get("chat")).remove("perSecondCounts");
    Files.writeString(file, root.toString());
    RunFigures without = BaselineReader.read(file);
    assertTrue(without.steps().get(0).kinds().get("chat").counts() == null && without.steps().get(0).allKinds().counts() == null,
        "without it: read, no counts (the pooled rows neither, since one kind lacks them)");
  }

  /** The JSON with every histogram replaced by its recorded values and counts. */
  private static JsonNode decoded(String json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    for (JsonNode step : root.get("steps")) {
      for (JsonNode kind : step.get("kinds")) {
        ObjectNode hs = (ObjectNode) kind.get("histograms");
        java.util.List<String> names = new java.util.ArrayList<>();
        hs.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
          Histogram h = BaselineReader.decode(Path.of("x"), name, hs.get(name).asText());
          StringBuilder content = new StringBuilder();
          h.recordedValues().forEach(v -> content.append(v.getValueIteratedTo()).append('x').append(v.getCountAtValueIteratedTo()).append(' '));
          hs.put(name, content.toString());
        }
      }
    }
    return root;
  }
}
