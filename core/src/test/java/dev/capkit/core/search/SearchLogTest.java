package dev.capkit.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.CorruptFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * search.json format v2: the writer's output is pinned by a golden file (an agents search: probes
 * with tasks), the reader gives back what was written, the v1 golden file (open loop, written before
 * v2) is still read, and a damaged file is refused naming the field. Regenerate the v2 golden file
 * deliberately with {@code -Dgolden.update=true}.
 */
class SearchLogTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/search-v2.json");
  private static final Path GOLDEN_V1 = Path.of("src/test/resources/golden/search-v1.json");

  @TempDir
  Path dir;

  /** An agents search: two probes with their tasks, task objectives among the objectives. */
  static SearchLog sample() {
    var settings = new SearchLog.Settings(2, 2, 0.05, 0.95, 7200, 20, 150, 3);
    var held = new SearchLog.Probe(0, "p00-agents2-scout", "scout", 1, 2, 0, 20, 150, 240.5, 150,
        Map.of("e2e.p99", 0L, "ttft.p99", 0L, "errors", 0L, "task.p95", 0L, "task.allStepsMet", 1L), 301.25, false, "undecided",
        List.of("scout: under"), Double.NaN, Double.NaN, 2, Double.NaN, new SearchLog.Tasks(14, 240.5, 33.5, 36.25, 0.9286, 209.6));
    var broken = new SearchLog.Probe(1, "p01-agents4-scout", "scout", 1, 4, 301.25, 20, 150, 60, 150,
        Map.of("e2e.p99", 9L, "ttft.p99", 12L, "errors", 0L, "task.p95", 0L, "task.allStepsMet", 3L), 81, true, "broken",
        List.of("scout: over", "ttft.p99 broken: 12 of 150 over its limit"), Double.NaN, Double.NaN, 2, 4,
        new SearchLog.Tasks(0, 60, Double.NaN, Double.NaN, Double.NaN, 0));
    return new SearchLog("agents", "emulated", settings, Map.of("e2e.p99", 0.01, "ttft.p99", 0.01, "errors", 0.01,
        "task.p95", 0.05, "task.allStepsMet", 0.1), List.of(held, broken), new SearchLog.Answer(Double.NaN, Double.NaN, Double.NaN,
        0.05, 0.95, 382.25, false, "GPU-time budget: the next probe (900 s) would pass 600 s"),
        new SearchLog.Agents(10, 1, List.of("task.p95 < 90s", "task.allStepsMet >= 90%")));
  }

  /** The open-loop sample search-v1.json was written from (v1 had no tasks and no agents). */
  static SearchLog sampleV1() {
    var settings = new SearchLog.Settings(0.5, 2, 0.05, 0.95, 3600, 10, 150, 3);
    var scout = new SearchLog.Probe(0, "p00-qps0.5-scout", "scout", 1, 0.5, 0, 10, 300, 300, 150,
        Map.of("e2e.p99", 0L, "ttft.p99", 1L, "errors", 0L), 312.5, false, "undecided",
        List.of("scout: under", "ttft.p99 undecided: 1 of 150 over its limit"), Double.NaN, Double.NaN, 0.5, Double.NaN);
    var over = new SearchLog.Probe(1, "p01-qps1-scout", "scout", 1, 1, 312.5, 10, 150, 41.2, 150,
        Map.of("e2e.p99", 3L, "ttft.p99", 6L, "errors", 0L), 96.4, true, "broken",
        List.of("scout: over", "ttft.p99 broken: 6 of 150 over its limit"), Double.NaN, Double.NaN, 0.5, 1);
    return new SearchLog("qps", "emulated", settings, Map.of("e2e.p99", 0.01, "ttft.p99", 0.01, "errors", 0.01),
        List.of(scout, over), new SearchLog.Answer(Double.NaN, Double.NaN, Double.NaN, 0.05, 0.95, 408.9, false,
            "GPU-time budget: the next probe (730 s) would pass 600 s"));
  }

  @Test
  void writerOutputIsPinnedByTheGoldenFile() throws IOException {
    Path file = dir.resolve("search.json");
    SearchLogWriter.write(file, sample());
    if (Boolean.getBoolean("golden.update")) {
      Files.copy(file, GOLDEN, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    assertEquals(Files.readString(GOLDEN), Files.readString(file));
  }

  @Test
  void readerGivesBackWhatWasWritten() throws IOException {
    SearchLog read = SearchLogReader.read(GOLDEN);
    SearchLog expected = sample();
    assertEquals(expected.probes().size(), read.probes().size());
    assertEquals(expected.settings(), read.settings());
    assertEquals(expected.objectives(), read.objectives());
    for (int i = 0; i < expected.probes().size(); i++) {
      assertEquals(expected.probes().get(i), read.probes().get(i), "NaN survives as null");
    }
    assertEquals(expected.answer().toString(), read.answer().toString());
    assertEquals(expected.agents(), read.agents());
    assertTrue(Double.isNaN(read.answer().estimate()), "an interval that did not close has no estimate");
  }

  @Test
  void formatV1IsStillRead() throws IOException {
    SearchLog read = SearchLogReader.read(GOLDEN_V1);
    SearchLog expected = sampleV1();
    assertEquals(expected, read, "v1: no agents, no tasks");
    Path file = dir.resolve("search.json");
    Files.writeString(file, Files.readString(GOLDEN_V1).replace("\"capkitSearch\" : 1", "\"capkitSearch\" : 3"));
    var e = assertThrows(CorruptFileException.class, () -> SearchLogReader.read(file));
    assertTrue(e.getMessage().contains("capkitSearch 3 is not supported") && e.getMessage().contains("1 to 2"), e.getMessage());
  }

  @Test
  void aDamagedFileIsRefusedNamingTheField() throws IOException {
    Path file = dir.resolve("search.json");
    Files.writeString(file, Files.readString(GOLDEN).replace("\"verdict\" : \"broken\"", "\"verdict\" : \"maybe\""));
    var e = assertThrows(CorruptFileException.class, () -> SearchLogReader.read(file));
    assertTrue(e.getMessage().contains("probes[1].verdict") && e.getMessage().contains("maybe"), e.getMessage());
    Files.writeString(file, Files.readString(GOLDEN).replace("\"rate\" : 4.0", "\"rate\" : \"fast\""));
    e = assertThrows(CorruptFileException.class, () -> SearchLogReader.read(file));
    assertTrue(e.getMessage().contains("probes[1].rate"), e.getMessage());
    Files.writeString(file, Files.readString(GOLDEN).replace("\"p95Seconds\" : 36.25", "\"p95Seconds\" : \"slow\""));
    e = assertThrows(CorruptFileException.class, () -> SearchLogReader.read(file));
    assertTrue(e.getMessage().contains("probes[0].tasks.p95Seconds"), e.getMessage());
    assertTrue(SearchLogReader.readIfPresent(dir.resolve("absent.json")).isEmpty(), "a ladder run has none");
  }
}
