package dev.capkit.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.Scenario;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reasoning models: reasoning tokens are summed per kind in run.json, and the time to the first
 * answer token ({@code ttfaNanos}) and reasoning tokens of each request reach the request log; all
 * additive to format v1 and absent for runs without reasoning (the golden files do not change).
 */
class ReasoningFiguresTest {

  private static final long MS = 1_000_000L;

  @TempDir
  Path dir;

  @Test
  void ttfaAndReasoningTokensReachRunJsonOnlyWhenReported() throws Exception {
    Scenario s = RunFormatTest.scenario();
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    RunManifest m = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, "reasoning", ScenarioInfo.of(s),
        new TargetInfo("http://127.0.0.1:8000", "m", "remote", "t", Map.of()), Map.of(), "microseconds",
        clock.instant().toString(), null, List.of(), List.of(), null);
    try (RunWriter w = RunWriter.create(dir.resolve("run"), m, clock, false)) {
      StepRecorder rec = w.startStep(s.steps().get(0), s.slo());
      for (int i = 0; i < 10; i++) {
        boolean thinks = i < 4;
        rec.record(new RequestRecord("r" + i, "", "chat", 0, 0, 100 * MS, 900 * MS, new long[] {400 * MS, 400 * MS}, 50, 30,
            Outcome.OK, 200, "", thinks ? 500 * MS : -1, thinks ? 20 : -1));
      }
      w.finishStep(rec, 10.0, true);
      w.complete(RunManifest.COMPLETE, null);
    }
    StepSummary step = RunReader.read(dir.resolve("run")).steps().get(0);
    assertEquals(10, step.metric(Metric.TTFT).count());
    assertEquals(80, step.kinds().get("chat").reasoningTokens());
    // TTFA percentiles over the 4 requests that reasoned first (500 ms each), per step and per kind
    LatencyStats ttfa = step.metrics().get(StepRecorder.TTFA);
    assertEquals(4, ttfa.count());
    assertEquals(500.0, ttfa.p50(), 0.5);
    assertEquals(500.0, ttfa.p99(), 0.5);
    assertEquals(4, step.kinds().get("chat").metrics().get(StepRecorder.TTFA).count());

    Path logged = dir.resolve("logged");
    java.nio.file.Files.createDirectories(logged);
    try (RequestLogWriter log = RequestLogWriter.create(logged, "reasoning", List.of("s00"))) {
      log.ended(0, new RequestRecord("r", "", "chat", 5, 0, 100 * MS, 900 * MS, new long[0], 50, 30, Outcome.OK, 200, "",
          500 * MS, 20));
      log.ended(0, new RequestRecord("p", "", "chat", 5, 0, 100 * MS, 900 * MS, new long[0], 50, 30, Outcome.OK, 200, ""));
    }
    List<RequestLogReader.Entry> entries = RequestLogReader.read(logged).orElseThrow();
    assertEquals(500 * MS, entries.get(0).record().ttfaNanos());
    assertEquals(20, entries.get(0).record().reasoningTokens());
    assertEquals(-1, entries.get(1).record().ttfaNanos());
    assertFalse(java.nio.file.Files.readString(logged.resolve(RequestLogReader.FILE_NAME)).lines().skip(2).findFirst()
        .orElseThrow().contains("ttfa"), "absent when unknown");

    Path plain = dir.resolve("plain");
    try (RunWriter w = RunWriter.create(plain, m, clock, false)) {
      StepRecorder rec = w.startStep(s.steps().get(0), s.slo());
      rec.record(new RequestRecord("p", "", "chat", 0, 0, 100 * MS, 900 * MS, new long[0], 50, 1, Outcome.OK, 200, ""));
      w.finishStep(rec, 10.0, true);
      w.complete(RunManifest.COMPLETE, null);
    }
    String json = java.nio.file.Files.readString(plain.resolve("run.json"));
    assertFalse(json.contains("reasoningTokens"), "absent without reasoning");
    assertFalse(json.contains("\"" + StepRecorder.TTFA + "\""), "no TTFA without reasoning");
    assertTrue(json.contains("\"ttft\""));
  }
}
