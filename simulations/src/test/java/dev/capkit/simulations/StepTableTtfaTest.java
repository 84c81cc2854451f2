package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.StepRecorder;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.results.TargetInfo;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console step row shows TTFA p50/p99 when requests reasoned before answering, and nothing otherwise. */
class StepTableTtfaTest {
  private static final long MS = 1_000_000L;

  @TempDir
  Path dir;

  @Test
  void ttfaFollowsTheVerdictsOnlyWithReasoning() throws Exception {
    String thinks = row(true);
    String plain = row(false);
    assertTrue(thinks.contains("ttfa p50/p99=700/700 ms"), thinks);
    assertFalse(plain.contains("ttfa"), plain);
  }

  private String row(boolean reasoning) throws Exception {
    Scenario s = ScenarioLoader.load(Path.of("../scenarios/quickstart.json"), Map.of("qps", "2", "duration", "10s"));
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    RunManifest m = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, "r", ScenarioInfo.of(s),
        new TargetInfo("http://127.0.0.1:8000", "m", "remote", "t", Map.of()), Map.of(), "microseconds",
        clock.instant().toString(), null, List.of(), List.of(), null);
    Path folder = dir.resolve(reasoning ? "thinks" : "plain");
    try (RunWriter w = RunWriter.create(folder, m, clock, false)) {
      StepRecorder rec = w.startStep(s.steps().get(0), s.slo());
      for (int i = 0; i < 5; i++) {
        rec.record(new RequestRecord("r" + i, "", "chat", 0, 0, 100 * MS, 900 * MS, new long[] {400 * MS}, 50, 30,
            Outcome.OK, 200, "", reasoning ? 700 * MS : -1, reasoning ? 20 : -1));
      }
      StepSummary summary = w.finishStep(rec, 10.0, true);
      return StepTable.row(summary);
    }
  }
}
