package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RunLayout;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunVerifier;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.search.SearchLog;
import dev.capkit.core.search.SearchLogReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario {@code capacity-search} run by Gatling ({@link CapkitSimulation}) against the embedded
 * emulator on loopback, with a small budget: every probe is a step of run.json (results format v1,
 * read back and verified by capkit's own reader), search.json lists the same probes, and a probe
 * that is broken beyond doubt stops early.
 */
class CapacitySearchEndToEndTest {
  @TempDir
  Path dir;

  @RegisterExtension
  final InProcessMainJob mainJob = new InProcessMainJob();

  private int gatling(Map<String, String> props) {
    Map<String, String> p = new HashMap<>(Map.of("capkit.scenario", "capacity-search"));
    p.putAll(props);
    return mainJob.run(dir, p);
  }

  private static Map<String, String> quick(Map<String, String> more) {
    Map<String, String> p = new HashMap<>(Map.of("capkit.profile", "instant", "capkit.search.warmup", "1s",
        "capkit.search.minProbe", "3s", "capkit.search.scoutRequests", "20"));
    p.putAll(more);
    return p;
  }

  @Test
  void everyProbeIsAStepOfRunJsonAndOfSearchJson() throws IOException {
    int status = gatling(quick(Map.of("capkit.search.start", "2", "capkit.search.max", "8", "capkit.search.budget", "2m")));
    assertEquals(0, status);
    RunReader.Run run = InProcessMainJob.onlyRun(dir);
    assertEquals("complete", run.manifest().status());
    assertTrue(RunVerifier.verify(run.folder()).ok(), RunVerifier.verify(run.folder()).problems().toString());
    SearchLog log = SearchLogReader.read(RunLayout.of(run.folder()).searchLog());
    // the instant emulator is never over: the bracket grows 2, 4, 8 and stops at search.max
    assertEquals(List.of(2.0, 4.0, 8.0), log.probes().stream().map(SearchLog.Probe::rate).toList());
    assertTrue(log.answer().stop().contains("maxRate"), log.answer().stop());
    assertEquals("emulated", log.basis());
    List<String> planned = run.manifest().scenario().plannedSteps().stream().map(ScenarioInfo.PlannedStep::id).toList();
    assertEquals(planned, run.steps().stream().map(StepSummary::id).toList(), "each probe planned, then finished");
    for (int i = 0; i < log.probes().size(); i++) {
      SearchLog.Probe p = log.probes().get(i);
      StepSummary step = run.steps().get(i);
      assertEquals(p.stepId(), step.id());
      assertEquals(p.rate(), step.offered());
      assertEquals(p.requests(), step.sent(), "the probe judged the step's requests");
      assertTrue(step.sent() > 0 && step.ok() == step.sent());
    }
    assertTrue(log.probes().get(1).startSeconds() > log.probes().get(0).startSeconds() + 3, "probes run one after another");
  }

  @Test
  void aProbeBrokenBeyondDoubtStopsEarly() throws IOException {
    // every request is over a 1 ms TTFT limit the moment it is sent: the first probe stops after a few requests
    int status = gatling(quick(Map.of("capkit.search.start", "4", "capkit.search.scoutRequests", "40",
        "capkit.slo.ttft.p99", "1ms", "capkit.search.budget", "30s")));
    assertEquals(0, status, "capacity-search does not fail the build on objectives (failBuild false)");
    RunReader.Run run = InProcessMainJob.onlyRun(dir);
    SearchLog log = SearchLogReader.read(RunLayout.of(run.folder()).searchLog());
    SearchLog.Probe first = log.probes().get(0);
    assertTrue(first.stoppedEarly(), first.toString());
    assertEquals("broken", first.verdict());
    assertTrue(first.windowSeconds() < 5 && first.plannedSeconds() == 10, first.toString());
    assertEquals(first.windowSeconds(), run.steps().get(0).durationSeconds(), 0.01, "the step's window is the one run");
    assertTrue(log.probes().size() >= 2 && log.probes().get(1).rate() < 4, "the search went down: " + log.probes());
    assertTrue(log.answer().stop().startsWith("GPU-time budget"), log.answer().stop());
    assertTrue(RunVerifier.verify(run.folder()).ok(), RunVerifier.verify(run.folder()).problems().toString());
  }
}
