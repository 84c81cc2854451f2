package dev.capkit.core.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export formats pinned by golden files: {@code requests.jsonl} v1 ({@link RequestLogReader}) from
 * fixed records (ok streamed, HTTP error, closed-loop, not sent), read back equal; {@code steps.csv}
 * v1 ({@link StepSummaryCsv}) of the golden run-v1 folder. Regenerate deliberately with
 * {@code -Dcapkit.writeGolden=true}.
 */
class ExportFormatsTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @TempDir
  Path dir;

  static final List<RequestRecord> RECORDS = List.of(
      new RequestRecord("req-1", "4bf92f3577b34da6a3ce929d0e0e4736", "chat", 1_767_225_600_000_400L, 400_000, 41_000_000, 440_000_000,
          new long[] {100_000_000, 99_000_000, 101_000_000, 99_000_000}, 120, 5, Outcome.OK, 200, ""),
      new RequestRecord("req-2", "", "phone-step", 1_767_225_600_500_000L, 1_000, -1, 50_000_000, null, -1, -1, Outcome.HTTP_ERROR, 503,
          "Service Unavailable, \"busy\""),
      new RequestRecord("agent-3-t2", "", "phone-step", 1_767_225_601_000_000L, 0, 900_000_000, 2_100_000_000L, new long[] {1_200_000_000},
          2_400, 2, Outcome.OK, 200, ""),
      new RequestRecord("not-sent-a17", "", "chat", 1_767_225_640_000_000L, -1, -1, -1, null, -1, -1, Outcome.NOT_SENT, 0,
          "planned but not sent before step 1 closed"));

  @Test
  void requestLogMatchesGoldenAndReadsBack() throws IOException {
    try (RequestLogWriter w = RequestLogWriter.create(dir, "golden-20260101-000000", List.of("s00-qps2-none", "s01-qps4-none"))) {
      w.ended(0, RECORDS.get(0));
      w.ended(0, RECORDS.get(1));
      w.ended(1, RECORDS.get(2));
      w.ended(1, RECORDS.get(3));
    }
    String text = Files.readString(dir.resolve(RequestLogReader.FILE_NAME));
    golden("requests-v1.jsonl", text);
    List<RequestLogReader.Entry> back = RequestLogReader.read(dir).orElseThrow();
    assertEquals(List.of("s00-qps2-none", "s00-qps2-none", "s01-qps4-none", "s01-qps4-none"), back.stream().map(RequestLogReader.Entry::step).toList());
    for (int i = 0; i < 3; i++) {
      RequestRecord a = RECORDS.get(i);
      RequestRecord b = back.get(i).record();
      assertEquals(List.of(a.requestId(), a.traceId(), a.kind(), a.startEpochMicros(), a.scheduleLagNanos(), a.ttftNanos(), a.e2eNanos(),
          a.promptTokens(), a.completionTokens(), a.outcome(), a.httpStatus(), a.error()), List.of(b.requestId(), b.traceId(), b.kind(),
          b.startEpochMicros(), b.scheduleLagNanos(), b.ttftNanos(), b.e2eNanos(), b.promptTokens(), b.completionTokens(), b.outcome(),
          b.httpStatus(), b.error()));
      assertArrayEquals(a.itlNanos(), b.itlNanos());
    }
    assertEquals(Outcome.NOT_SENT, back.get(3).record().outcome());
    assertEquals(-1, back.get(3).record().startEpochMicros(), "never sent: no send time");
    assertTrue(text.contains("\"intendedMicros\":1767225600000000,\"sentMicros\":1767225600000400"), "intended = sent - lag");
    assertTrue(text.contains("\"intendedMicros\":null,\"sentMicros\":null"), "not_sent has no send time");
  }

  @Test
  void requestLogReaderNamesFileLineAndFieldAndIgnoresAHalfLastLine() throws IOException {
    Path f = dir.resolve(RequestLogReader.FILE_NAME);
    Files.writeString(f, "{\"capkitRequests\":1,\"run\":\"r\"}\n" + RequestLogWriter.line("s00", RECORDS.get(0)) + "\n{\"step\":\"s00\",\"id");
    assertEquals(1, RequestLogReader.read(dir).orElseThrow().size());
    Files.writeString(f, "{\"capkitRequests\":1,\"run\":\"r\"}\n" + RequestLogWriter.line("s00", RECORDS.get(0)).put("outcome", "fine")
        + "\n" + RequestLogWriter.line("s00", RECORDS.get(0)) + "\n");
    IOException e = assertThrows(IOException.class, () -> RequestLogReader.read(dir));
    assertTrue(e.getMessage().endsWith("requests.jsonl: line 2: field 'outcome': unknown outcome 'fine'"), e.getMessage());
    Files.writeString(f, "{\"capkitRequests\":2}\n");
    e = assertThrows(IOException.class, () -> RequestLogReader.read(dir));
    assertTrue(e.getMessage().contains("line 1: field 'capkitRequests': expected 1, found 2"), e.getMessage());
    Files.delete(f);
    assertTrue(RequestLogReader.read(dir).isEmpty());
  }

  @Test
  void stepsCsvOfTheGoldenRunMatchesGolden() throws IOException {
    RunReader.Run run = RunReader.read(GOLDEN.resolve("run-v1"));
    String csv = StepSummaryCsv.render(run.steps());
    golden("steps-v1.csv", csv);
    String[] lines = csv.split("\r\n");
    assertEquals(StepSummaryCsv.FIRST_LINE, lines[0]);
    assertEquals(String.join(",", StepSummaryCsv.COLUMNS), lines[1]);
    assertEquals(run.steps().size() + 2, lines.length);
    assertEquals(StepSummaryCsv.COLUMNS.size(), lines[2].split(",", -1).length, "no field of the golden run needs quoting");
    assertEquals("\"a,\"\"b\"\"\"", StepSummaryCsv.field("a,\"b\""));
  }

  private static void golden(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("capkit.writeGolden")) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, name + " changed: if deliberate, regenerate with -Dcapkit.writeGolden=true");
  }
}
