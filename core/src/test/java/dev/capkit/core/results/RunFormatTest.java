package dev.capkit.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.core.scenario.StepPlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TimeZone;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results format v1: round trip, golden files, partial runs, and HdrHistogram's own reader.
 * Regenerate the golden files (a deliberate decision) with {@code -Dcapkit.updateGolden=true}.
 */
class RunFormatTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/run-v1");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static TimeZone savedZone;

  @TempDir
  Path dir;

  @BeforeAll
  static void utc() {
    savedZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("UTC")); // the log header prints a local date
  }

  @AfterAll
  static void restore() {
    TimeZone.setDefault(savedZone);
  }

  static Scenario scenario() {
    return ScenarioLoader.load(Path.of("src/test/resources/fixture-scenario.json"), Map.of("qps", "2", "duration", "10s"));
  }

  /** Deterministic records: a mix of kinds and outcomes with known latencies. */
  static List<RequestRecord> records(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<RequestRecord> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      String kind = i % 4 == 0 ? "chat" : "phone-step";
      long ttft = 200_000_000L + rng.nextLong(800_000_000L);
      int tokens = 20 + rng.nextInt(100);
      long tpot = 10_000_000L + rng.nextLong(5_000_000L);
      long e2e = ttft + tpot * (tokens - 1);
      long[] itl = new long[tokens - 1];
      java.util.Arrays.fill(itl, tpot);
      Outcome outcome = i % 25 == 7 ? Outcome.BROKEN_STREAM : i % 50 == 3 ? Outcome.HTTP_ERROR : Outcome.OK;
      out.add(new RequestRecord("req-" + i, String.format("%032x", i), kind, 1_767_225_600_000_000L + i * 1000L,
          rng.nextLong(2_000_000L), ttft, e2e, itl, 3500, tokens, outcome, outcome == Outcome.HTTP_ERROR ? 429 : 200,
          outcome.isSuccess() ? "" : "test"));
    }
    return out;
  }

  private Path writeRun(Path folder, boolean finish) throws IOException {
    Scenario s = scenario();
    RunManifest m = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, "golden", ScenarioInfo.of(s),
        new TargetInfo("http://127.0.0.1:8000", "autoglm-phone-9b", "emulator", "gn7e-c16g1.4xlarge", Map.of("profile", "physics")),
        Map.of("java", "17"), "microseconds", CLOCK.instant().toString(), null, List.of(), List.of(), null);
    try (RunWriter w = RunWriter.create(folder, m, CLOCK, false)) {
      StepPlan plan = s.steps().get(0);
      StepRecorder rec = w.startStep(plan, s.slo());
      for (RequestRecord r : records(200, 1)) {
        rec.record(r);
      }
      w.flush();
      if (finish) {
        w.finishStep(rec, 10.0, true);
        w.complete(RunManifest.COMPLETE, null);
      }
    }
    return folder;
  }

  @Test
  void goldenFilesOfFormatV1() throws IOException {
    Path run = writeRun(dir.resolve("run"), true);
    List<String> files = List.of("run.json", "steps/s00-qps2-none/e2e.hlog", "steps/s00-qps2-none/ttft.hlog",
        "steps/s00-qps2-none/itl.hlog", "steps/s00-qps2-none/schedule-lag.hlog", "steps/s00-qps2-none/tpot.hlog",
        "steps/s00-qps2-none/e2e-intended.hlog", "steps/s00-qps2-none/ttft-intended.hlog", "steps/s00-qps2-none/counts.csv",
        "steps/s00-qps2-none/SHA256SUMS");
    if (Boolean.getBoolean("capkit.updateGolden")) {
      for (String f : files) {
        Files.createDirectories(GOLDEN.resolve(f).getParent());
        Files.copy(run.resolve(f), GOLDEN.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (String f : files) {
      assertEquals(Files.readString(GOLDEN.resolve(f)), Files.readString(run.resolve(f)), "golden " + f);
    }
  }

  @Test
  void goldenRunReadsBack() throws IOException {
    RunReader.Run run = RunReader.read(GOLDEN);
    assertFalse(run.partial());
    StepSummary s = run.steps().get(0);
    assertEquals(200, s.sent());
    assertEquals(200 - 8 - 4, s.ok());
    assertEquals(Map.of("broken_stream", 8L, "http_429", 4L), s.errors());
    assertEquals(s.ok() / 10.0, s.achievedQps(), 1e-9);
    Map<String, Histogram> ttft = RunReader.histogram(GOLDEN, s.id(), Metric.TTFT);
    assertEquals(s.ok(), ttft.get("*").getTotalCount());
    assertEquals(s.kinds().get("chat").ok(), ttft.get("chat").getTotalCount());
    assertEquals(s.metric(Metric.TTFT).p99(), ttft.get("*").getValueAtPercentile(99) / 1000.0, 1e-9);
  }

  @Test
  void summaryMatchesExactStatistics() throws IOException {
    Path run = writeRun(dir.resolve("run"), true);
    StepSummary s = RunReader.read(run).steps().get(0);
    long[] ttfts = records(200, 1).stream().filter(RequestRecord::ok).mapToLong(RequestRecord::ttftNanos).sorted().toArray();
    double exactP50 = ttfts[(int) Math.ceil(0.50 * ttfts.length) - 1] / 1e6;
    double exactMax = ttfts[ttfts.length - 1] / 1e6;
    assertEquals(exactP50, s.metric(Metric.TTFT).p50(), exactP50 * 0.001 + 0.001, "3 significant digits");
    assertEquals(exactMax, s.metric(Metric.TTFT).max(), exactMax * 0.001 + 0.001);
    long itlCount = records(200, 1).stream().filter(RequestRecord::ok).mapToLong(r -> r.itlNanos().length).sum();
    assertEquals(itlCount, s.metric(Metric.ITL).count());
    long tokens = records(200, 1).stream().filter(RequestRecord::ok).mapToLong(RequestRecord::completionTokens).sum();
    assertEquals(tokens / 10.0, s.outputTokensPerSecond(), 0.01);
  }

  @Test
  void hdrHistogramsOwnReaderReadsOurLogs() throws IOException {
    Path run = writeRun(dir.resolve("run"), true);
    try (InputStream in = Files.newInputStream(run.resolve("steps/s00-qps2-none/e2e.hlog"))) {
      HistogramLogReader reader = new HistogramLogReader(in);
      long total = 0;
      int intervals = 0;
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        total += ((Histogram) h).getTotalCount();
        assertTrue(List.of("chat", "phone-step").contains(h.getTag()), "tagged by kind: " + h.getTag());
        intervals++;
      }
      assertEquals(2, intervals, "one interval per kind");
      assertEquals(188, total);
      assertEquals(1_767_225_600.0, reader.getStartTimeSec(), 1e-9);
    }
  }

  @Test
  void killedRunIsReadAsPartial() throws IOException {
    Path run = writeRun(dir.resolve("run"), false);
    // a killed writer can also leave half a line at the end of a log
    Path log = run.resolve("steps/s00-qps2-none/e2e.hlog");
    Files.writeString(log, Files.readString(log) + "Tag=chat,0.000,1.0,0.5,HISTFAAAA", StandardCharsets.UTF_8);
    RunReader.Run read = RunReader.read(run);
    assertTrue(read.partial());
    assertEquals(List.of(), read.steps());
    assertEquals(List.of("s00-qps2-none"), read.unfinishedSteps());
    assertEquals(188, RunReader.histogram(run, "s00-qps2-none", Metric.E2E).get("*").getTotalCount());
  }

  @Test
  void refusesOtherVersionsAndNonRuns() throws IOException {
    Path run = writeRun(dir.resolve("run"), true);
    Files.writeString(run.resolve("run.json"), Files.readString(run.resolve("run.json")).replace("\"capkitResults\" : 1", "\"capkitResults\" : 2"));
    IOException e = assertThrows(IOException.class, () -> RunReader.read(run));
    assertTrue(e.getMessage().contains("capkitResults") && e.getMessage().contains("2"), e.getMessage());
    e = assertThrows(IOException.class, () -> RunReader.read(dir));
    assertTrue(e.getMessage().contains("no run.json"), e.getMessage());
  }

  @Test
  void neverOverwritesARun() throws IOException {
    Path run = writeRun(dir.resolve("run"), true);
    assertThrows(IOException.class, () -> writeRun(run, true));
  }
}
