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
 * search.json format v1: the writer's output is pinned by a golden file, the reader gives back what
 * was written, and a damaged file is refused naming the field. Regenerate the golden file
 * deliberately with {@code -Dgolden.update=true}.
 */
class SearchLogTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/search-v1.json");

  @TempDir
  Path dir;

  static SearchLog sample() {
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
      assertEquals(expected.probes().get(i).toString(), read.probes().get(i).toString(), "NaN survives as null");
    }
    assertEquals(expected.answer().toString(), read.answer().toString());
    assertTrue(Double.isNaN(read.answer().estimate()), "an interval that did not close has no estimate");
  }

  @Test
  void aDamagedFileIsRefusedNamingTheField() throws IOException {
    Path file = dir.resolve("search.json");
    Files.writeString(file, Files.readString(GOLDEN).replace("\"verdict\" : \"broken\"", "\"verdict\" : \"maybe\""));
    var e = assertThrows(CorruptFileException.class, () -> SearchLogReader.read(file));
    assertTrue(e.getMessage().contains("probes[1].verdict") && e.getMessage().contains("maybe"), e.getMessage());
    Files.writeString(file, Files.readString(GOLDEN).replace("\"rate\" : 1.0", "\"rate\" : \"fast\""));
    e = assertThrows(CorruptFileException.class, () -> SearchLogReader.read(file));
    assertTrue(e.getMessage().contains("probes[1].rate"), e.getMessage());
    assertTrue(SearchLogReader.readIfPresent(dir.resolve("absent.json")).isEmpty(), "a ladder run has none");
  }
}
