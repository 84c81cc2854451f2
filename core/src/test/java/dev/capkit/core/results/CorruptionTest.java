package dev.capkit.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of run-folder file corrupted in the middle and at the end: each reader says which
 * file, which line and why, and {@code capkit verify} reports it; a torn last line of a step still
 * being written is the one thing tolerated. Starts from the format v1 golden run (one finished step,
 * two interval lines per log: line 5 is the middle, line 6 the end) plus a server-samples file.
 */
class CorruptionTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/run-v1");
  private static final String STEP = "s00-qps2-none";

  @TempDir
  Path dir;
  Path run;

  @BeforeEach
  void copyGoldenRun() throws IOException {
    run = dir.resolve("run");
    try (Stream<Path> files = Files.walk(GOLDEN)) {
      for (Path f : files.toList()) {
        Path to = run.resolve(GOLDEN.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    try (ServerSamplesWriter w = ServerSamplesWriter.create(run, "http://127.0.0.1:8000/metrics", 2.0)) {
      for (int i = 0; i < 5; i++) {
        w.append(new ServerSample(1_767_225_600_000L + 2000L * i, Map.of("vllm:num_requests_running", (double) i), null));
      }
    }
    RunVerifier.Result sound = RunVerifier.verify(run);
    assertTrue(sound.ok(), "the copy is sound: " + sound.problems());
  }

  private Path log(String metric) {
    return run.resolve("steps/" + STEP + "/" + metric + ".hlog");
  }

  /** Overwrites 8 characters in the middle of line {@code lineNo} (1-based) with other base64 characters. */
  private static void overwriteInLine(Path file, int lineNo) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    String l = lines.get(lineNo - 1);
    int at = l.length() * 2 / 3;
    lines.set(lineNo - 1, l.substring(0, at) + "QUJDREVG" + l.substring(at + 8));
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private static void truncate(Path file, int bytes) throws IOException {
    byte[] b = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(b, b.length - bytes));
  }

  private static void removeLine(Path file, int lineNo) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    lines.remove(lineNo - 1);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private void assertReported(Path file, String lineText, String why) throws IOException {
    RunVerifier.Result r = RunVerifier.verify(run);
    assertFalse(r.ok(), "verify must report " + file);
    assertTrue(r.problems().stream().anyMatch(p -> p.contains(file.toString()) && p.contains(lineText) && p.contains(why)),
        "verify names " + file + " " + lineText + " " + why + ": " + r.problems());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(1, VerifyMain.run(new String[] {run.toString(), "--quiet"}, new PrintStream(out), System.err));
    assertTrue(out.toString().contains("CORRUPT: " + file), out.toString());
  }

  @Test
  void intervalLogCorruptInTheMiddle() throws IOException {
    overwriteInLine(log("e2e"), 5);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.histogram(run, STEP, Metric.E2E));
    assertEquals(log("e2e"), e.file());
    assertEquals(5, e.line());
    assertTrue(e.getMessage().contains("does not decode"), e.getMessage());
    assertThrows(CorruptFileException.class, () -> RunReader.forEachInterval(log("e2e"), h -> { }));
    assertReported(log("e2e"), "line 5", "does not decode");
  }

  @Test
  void intervalLogCorruptAtTheEnd() throws IOException {
    overwriteInLine(log("ttft"), 6);
    // HdrHistogram inflates only what it needs, so damaged bytes can decode into other counts: the
    // printed max (or else the counts against run.json) disagree then
    assertEquals(6, assertThrows(CorruptFileException.class, () -> RunReader.histogram(run, STEP, Metric.TTFT)).line());
    assertReported(log("ttft"), "line 6", "");
  }

  @Test
  void finishedStepsLogTruncatedMidLineIsNotATornEnd() throws IOException {
    truncate(log("itl"), 20);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.histogram(run, STEP, Metric.ITL));
    assertEquals(6, e.line());
    assertReported(log("itl"), "line 6", "");
  }

  @Test
  void finishedStepsLogWithoutItsLastNewlineIsTruncated() throws IOException {
    truncate(log("tpot"), 1);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.histogram(run, STEP, Metric.TPOT));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aLostWholeLineIsCaughtByTheCountsInTheMiddleAndAtTheEnd() throws IOException {
    removeLine(log("e2e"), 5);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.histogram(run, STEP, Metric.E2E));
    assertTrue(e.getMessage().contains("run.json counts 188"), e.getMessage());
    assertReported(log("e2e"), "", "run.json counts 188");
    removeLine(log("ttft-intended"), 6);
    assertThrows(CorruptFileException.class, () -> RunReader.histogram(run, STEP, Metric.TTFT_INTENDED));
    assertReported(log("ttft-intended"), "", "run.json counts");
  }

  @Test
  void aMissingLogIsReportedWhenRunJsonCountsValues() throws IOException {
    Files.delete(log("schedule-lag"));
    assertTrue(assertThrows(CorruptFileException.class, () -> RunReader.histogram(run, STEP, Metric.SCHEDULE_LAG))
        .getMessage().contains("missing"));
  }

  @Test
  void aLogOfAnotherStepOrMetricIsRefused() throws IOException {
    Files.copy(log("e2e"), log("ttft"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.histogram(run, STEP, Metric.TTFT));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("metric 'ttft'"), e.getMessage());
  }

  @Test
  void unfinishedStepMayEndTornButNotBeCorruptInTheMiddle() throws IOException {
    markStepUnfinished();
    truncate(log("e2e"), 30);
    RunReader.Run partial = RunReader.read(run);
    assertTrue(partial.partial());
    assertEquals(List.of(STEP), partial.unfinishedSteps());
    assertEquals(1, partial.histogram(STEP, Metric.E2E).size() - 1, "the torn last line is ignored, the whole one read");
    RunVerifier.Result r = RunVerifier.verify(run);
    assertTrue(r.ok(), r.problems().toString());
    assertTrue(r.checked().stream().anyMatch(c -> c.contains("torn last line 6 ignored")), r.checked().toString());

    overwriteInLine(log("ttft"), 5);
    assertEquals(5, assertThrows(CorruptFileException.class, () -> partial.histogram(STEP, Metric.TTFT)).line());
    assertReported(log("ttft"), "line 5", "does not decode");
  }

  /** The run as it looks while its step is still running: run.json lists no finished step, the step has no SHA256SUMS yet. */
  private void markStepUnfinished() throws IOException {
    String json = Files.readString(run.resolve("run.json"));
    int steps = json.indexOf("\"steps\" : [");
    int notes = json.indexOf("\"notes\"");
    Files.writeString(run.resolve("run.json"), (json.substring(0, steps) + "\"steps\" : [ ],\n  " + json.substring(notes))
        .replace("\"status\" : \"complete\"", "\"status\" : \"running\""));
    Files.delete(run.resolve("steps/" + STEP + "/SHA256SUMS"));
  }

  private Path counts() {
    return run.resolve("steps/" + STEP + "/" + CountsLog.FILE_NAME);
  }

  private void replaceLine(Path file, int lineNo, String text) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    lines.set(lineNo - 1, text);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  @Test
  void countsCorruptInTheMiddle() throws IOException {
    // golden counts.csv: header, columns, line 3 chat 50/48/48, line 4 phone-step 150/140/140
    assertEquals(4, RunReader.read(run).counts(STEP).orElseThrow().lines().size() + 2);
    replaceLine(counts(), 3, "0,chat,5#,48,48");
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.read(run).counts(STEP));
    assertEquals(counts(), e.file());
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("sent '5#' is not a count"), e.getMessage());
    assertReported(counts(), "line 3", "is not a count");
    replaceLine(counts(), 3, "0,chat,50,49,48"); // still a valid line: the sum against run.json knows
    assertTrue(assertThrows(CorruptFileException.class, () -> RunReader.read(run).counts(STEP)).getMessage()
        .contains("counts sent 200, ok 189, but run.json says sent 200, ok 188"));
    replaceLine(counts(), 3, "0,chat,50,48,49");
    assertTrue(assertThrows(CorruptFileException.class, () -> RunReader.read(run).counts(STEP)).getMessage().contains("do not nest"));
  }

  @Test
  void countsCorruptOrTruncatedAtTheEnd() throws IOException {
    truncate(counts(), 3);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.read(run).counts(STEP));
    assertEquals(4, e.line());
    assertReported(counts(), "line 4", "truncated");
    Files.write(counts(), new byte[0]);
    assertTrue(assertThrows(CorruptFileException.class, () -> RunReader.read(run).counts(STEP)).getMessage().contains("empty"));
  }

  @Test
  void aLostCountsLineIsCaughtByRunJsonsCounts() throws IOException {
    removeLine(counts(), 4);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.read(run).counts(STEP));
    assertTrue(e.getMessage().contains("counts sent 50, ok 48, but run.json says sent 200, ok 188"), e.getMessage());
    assertReported(counts(), "", "lines lost, added or altered");
  }

  @Test
  void countsOfAnUnfinishedStepMayEndTorn() throws IOException {
    markStepUnfinished();
    truncate(counts(), 5);
    CountsLog.Content c = RunReader.read(run).counts(STEP).orElseThrow();
    assertEquals(1, c.lines().size(), "the torn last line is ignored, the whole one read");
    assertEquals(4, c.tornLine());
    assertTrue(RunVerifier.verify(run).checked().stream().anyMatch(l -> l.contains("counts.csv: unfinished step, 1 whole line(s); torn last line 4")));
    replaceLine(counts(), 3, "0,chat,50,48");
    assertEquals(3, assertThrows(CorruptFileException.class, () -> RunReader.read(run).counts(STEP)).line());
  }

  @Test
  void aRunWithoutCountsStillReads() throws IOException {
    Files.delete(counts());
    Files.writeString(run.resolve("steps/" + STEP + "/SHA256SUMS"), Files.readAllLines(run.resolve("steps/" + STEP + "/SHA256SUMS")).stream()
        .filter(l -> !l.endsWith("counts.csv")).map(l -> l + "\n").collect(java.util.stream.Collectors.joining()));
    assertTrue(RunReader.read(run).counts(STEP).isEmpty());
    RunVerifier.Result r = RunVerifier.verify(run);
    assertTrue(r.ok(), r.problems().toString());
    assertTrue(r.checked().stream().anyMatch(l -> l.contains("no counts.csv (written before per-second counts were kept)")));
  }

  @Test
  void runJsonCorruptInTheMiddle() throws IOException {
    Path file = run.resolve("run.json");
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    int middle = lines.size() / 2;
    lines.set(middle, lines.get(middle).replaceFirst(":", "#"));
    Files.write(file, lines);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.read(run));
    assertEquals(middle + 1, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    assertReported(file, "line " + (middle + 1), "not valid JSON");
  }

  @Test
  void runJsonCorruptAtTheEnd() throws IOException {
    Path file = run.resolve("run.json");
    truncate(file, 40);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.read(run));
    assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("never torn"), e.getMessage());
    assertReported(file, "", "not valid JSON");
  }

  @Test
  void runJsonWhoseCountsDoNotAddUpNamesFieldAndLine() throws IOException {
    Path file = run.resolve("run.json");
    String json = Files.readString(file);
    Files.writeString(file, json.replaceFirst("\"ok\" : 188", "\"ok\" : 187"));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.read(run));
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.get(e.line() - 1).contains("\"ok\" : 187") || lines.get(e.line() - 1).contains("errors"), e.getMessage() + " @ " + lines.get(e.line() - 1));
    assertTrue(e.getMessage().contains("add up"), e.getMessage());
  }

  @Test
  void runJsonStepIdsArePlainFolderNames() throws IOException {
    Path file = run.resolve("run.json");
    Files.writeString(file, Files.readString(file).replace("\"" + STEP + "\"", "\"../../x\""));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.read(run));
    assertTrue(e.getMessage().contains("'../../x' is not a plain folder name"), e.getMessage());
    assertTrue(Files.readAllLines(file).get(e.line() - 1).contains("../../x"));
  }

  @Test
  void runJsonFieldOfTheWrongTypeNamesIt() throws IOException {
    Path file = run.resolve("run.json");
    Files.writeString(file, Files.readString(file).replaceFirst("\"sent\" : 200", "\"sent\" : \"lots\""));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> RunReader.read(run));
    assertTrue(e.getMessage().contains("/steps/0/sent"), e.getMessage());
    assertTrue(Files.readAllLines(file).get(e.line() - 1).contains("lots"), e.getMessage());
  }

  @Test
  void serverSamplesCorruptInTheMiddle() throws IOException {
    Path file = run.resolve(ServerSamplesReader.FILE_NAME);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(3, lines.get(3).substring(0, 10) + "\u0000\u0000" + lines.get(3).substring(12));
    Files.write(file, lines);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> ServerSamplesReader.read(run));
    assertEquals(4, e.line());
    assertReported(file, "line 4", "not a JSON object");
    lines.set(3, lines.get(3).replace("\u0000\u0000", "00").replaceFirst("\"t\":\\d+", "\"t\":\"soon\""));
    Files.write(file, lines);
    assertTrue(assertThrows(CorruptFileException.class, () -> ServerSamplesReader.read(run)).getMessage().contains("field 't'"));
  }

  @Test
  void serverSamplesTruncatedAtTheEndOfAFinishedRunAreCorruptOfARunningOneTorn() throws IOException {
    Path file = run.resolve(ServerSamplesReader.FILE_NAME);
    truncate(file, 7);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> ServerSamplesReader.read(run));
    assertEquals(6, e.line());
    assertReported(file, "line 6", "");
    Files.writeString(run.resolve("run.json"), Files.readString(run.resolve("run.json")).replace("\"status\" : \"complete\"", "\"status\" : \"running\""));
    assertEquals(4, ServerSamplesReader.read(run).orElseThrow().samples().size(), "a running run's torn last sample is ignored");
  }

  @Test
  void checksumsCatchAChangeThatStillDecodes() throws IOException {
    Path file = log("e2e");
    Files.writeString(file, Files.readString(file).replace("Tag=chat,0.000,", "Tag=chat,1.000,"));
    RunReader.histogram(run, STEP, Metric.E2E); // still a valid log with the right counts: only the checksum knows
    assertReported(file, "", "SHA-256 differs");
    Files.writeString(run.resolve("steps/" + STEP + "/notes.txt"), "added");
    assertTrue(RunVerifier.verify(run).problems().stream().anyMatch(p -> p.contains("notes.txt: not listed")));
  }

  @Test
  void verifyRefusesWhatIsNotARunAndReportsStrayStepFolders() throws IOException {
    assertEquals(2, VerifyMain.run(new String[] {dir.resolve("nothing").toString()}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream())));
    Files.createDirectories(run.resolve("steps/s99-elsewhere"));
    assertTrue(RunVerifier.verify(run).problems().stream().anyMatch(p -> p.contains("s99-elsewhere: not a planned step")));
  }
}
