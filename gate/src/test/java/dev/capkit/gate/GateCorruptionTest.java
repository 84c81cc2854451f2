package dev.capkit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate never judges silently truncated data: a run whose interval log is corrupt in the middle
 * or at the end, or a baseline file corrupt in the middle or at the end, gives exit 2 naming the file.
 */
class GateCorruptionTest {
  @TempDir
  static Path tmp;
  static Path base;
  static Path baselineFile;

  @BeforeAll
  static void runs() throws IOException {
    base = VirtualRunFolder.write(tmp.resolve("base"), GateMainTest.SMOKE, Map.of(), 1000, 1.0);
    baselineFile = tmp.resolve("baseline.json");
    assertEquals(0, BaselineMain.run(new String[] {"save", base.toString(), "--out", baselineFile.toString()},
        new PrintStream(new ByteArrayOutputStream()), System.err));
  }

  private static Path copyRun(String name) throws IOException {
    Path to = tmp.resolve(name);
    try (var files = Files.walk(base)) {
      for (Path f : files.toList()) {
        Path t = to.resolve(base.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
    return to;
  }

  private static Path e2eLog(Path run) throws IOException {
    try (var s = Files.list(run.resolve("steps"))) {
      return s.findFirst().orElseThrow().resolve("e2e.hlog");
    }
  }

  private static void damageLine(Path file, int fromEnd) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    int i = fromEnd < 0 ? lines.size() / 2 : lines.size() - 1 - fromEnd;
    String l = lines.get(i);
    lines.set(i, l.substring(0, l.length() / 2) + "@@@@" + l.substring(l.length() / 2 + 4));
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private static void assertUnusableNaming(Path baseline, Path run, Path file) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int status = GateMain.run(new String[] {"--baseline", baseline.toString(), run.toString(), "--out", tmp.resolve("g").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, status, out + e);
    assertTrue(e.contains(file.toString()), "names " + file + ": " + e);
  }

  @Test
  void runLogCorruptInTheMiddle() throws IOException {
    Path run = copyRun("middle");
    damageLine(e2eLog(run), -1);
    assertUnusableNaming(baselineFile, run, e2eLog(run));
  }

  @Test
  void runLogCorruptAtTheEnd() throws IOException {
    Path run = copyRun("end");
    byte[] b = Files.readAllBytes(e2eLog(run));
    Files.write(e2eLog(run), java.util.Arrays.copyOf(b, b.length - 30));
    assertUnusableNaming(baselineFile, run, e2eLog(run));
  }

  @Test
  void runLogMissingALineAsBaseline() throws IOException {
    Path run = copyRun("lost-line");
    List<String> lines = new ArrayList<>(Files.readAllLines(e2eLog(run)));
    lines.remove(lines.size() / 2);
    Files.write(e2eLog(run), lines);
    assertUnusableNaming(run, base, e2eLog(run));
  }

  @Test
  void baselineCorruptInTheMiddleAndAtTheEnd() throws IOException {
    Path middle = tmp.resolve("middle.json");
    String json = Files.readString(baselineFile);
    int at = json.indexOf("\"e2e\"");
    int payload = json.indexOf("HIST", at) + 40;
    Files.writeString(middle, json.substring(0, payload) + "AAAAAAAAAAAA" + json.substring(payload + 12));
    assertUnusableNaming(middle, base, middle);
    Path end = tmp.resolve("end.json");
    Files.writeString(end, json.substring(0, json.length() - 20));
    assertUnusableNaming(end, base, end);
    Path counts = tmp.resolve("counts.json");
    Files.writeString(counts, json.replaceFirst("\"ok\" : (\\d+)", "\"ok\" : 1"));
    assertUnusableNaming(counts, base, counts);
  }
}
