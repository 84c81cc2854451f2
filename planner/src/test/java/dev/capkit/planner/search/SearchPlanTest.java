package dev.capkit.planner.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RunLayout;
import dev.capkit.core.search.SearchLog;
import dev.capkit.core.search.SearchLogWriter;
import dev.capkit.planner.PlanOptions;
import dev.capkit.planner.PlanResult;
import dev.capkit.planner.Planner;
import dev.capkit.planner.SloTarget;
import dev.capkit.planner.SyntheticRuns;
import dev.capkit.planner.TierRecommendation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that is a capacity search is planned from the search's answer (search.json): the crossing is
 * the interval the verdicts confirmed, not an interpolation between probes.
 */
class SearchPlanTest {
  private static final String TIER = "gn7e-c16g1.4xlarge";

  @TempDir
  Path dir;

  private static PlanOptions options() {
    return PlanOptions.defaults(10).withPredict(false).withSlos(SloTarget.parseList("ttft.p99=2s"))
        .withGeneratedAt("2026-01-01T00:00:00Z");
  }

  private Path run(String name) throws IOException {
    return SyntheticRuns.mmc(dir.resolve(name), "mmc", TIER, 4, 1.0, new double[] {1, 2, 3, 3.5, 4}, 1_000, 5);
  }

  static SearchLog log(double low, double high) {
    var settings = new SearchLog.Settings(1, 2, 0.05, 0.95, 3600, 10, 150, 3);
    var held = new SearchLog.Probe(0, "s02-qps3-none", "verdict-low", 1, low, 0, 10, 400, 400, 1200, Map.of("ttft.p99", 4L), 410,
        false, "holds", List.of(), low, Double.NaN, low, high);
    var broken = Double.isNaN(high) ? null : new SearchLog.Probe(1, "s03-qps3.5-none", "verdict-high", 1, high, 410, 10, 400, 90, 1400, Map.of("ttft.p99", 31L), 100,
        true, "broken", List.of("ttft.p99 broken: 31 of 1400 over its limit (allowed share 1.00%)"), low, high, low, high);
    return new SearchLog("qps", "measured", settings, Map.of("ttft.p99", 0.01), Double.isNaN(high) ? List.of(held) : List.of(held, broken),
        new SearchLog.Answer(low, high, Double.isNaN(high) ? Double.NaN : (high - low) / (high + low), 0.05, 0.95, 510,
            false, "interval confirmed at the precision the verdicts allowed"));
  }

  /**
   * An agents search: 4 agents held (verdict probe: 480 steps in 240 s, 44 tasks finished), 5 broken.
   * Known answers: 2 req/s, 44 / 240 s x 3600 = 660 tasks/h, cost per task = 34.74 / 660.
   */
  static SearchLog agentsLog() {
    var settings = new SearchLog.Settings(2, 2, 0.05, 0.95, 7200, 20, 150, 3);
    var held = new SearchLog.Probe(0, "s02-qps3-none", "verdict-low", 1, 4, 0, 20, 300, 240, 480,
        Map.of("ttft.p99", 1L, "task.p95", 0L), 300, false, "holds", List.of(), 4, Double.NaN, 4, 5,
        new SearchLog.Tasks(44, 240, 52.5, 61.25, 0.9545, 660));
    var broken = new SearchLog.Probe(1, "s03-qps3.5-none", "verdict-high", 1, 5, 300, 20, 300, 100, 250,
        Map.of("ttft.p99", 14L, "task.p95", 2L), 150, true, "broken", List.of("ttft.p99 broken: 14 of 250 over its limit"), 4, 5, 4, 5,
        new SearchLog.Tasks(8, 100, 55, 70, 0.75, 288));
    return new SearchLog("agents", "emulated", settings, Map.of("ttft.p99", 0.01, "task.p95", 0.05), List.of(held, broken),
        new SearchLog.Answer(4, 5, 1 / 9.0, 0.05, 0.95, 450, false, "interval confirmed at the precision the verdicts allowed"),
        new SearchLog.Agents(10, 1, List.of("task.p95 < 90s")));
  }

  @Test
  void anAgentsSearchIsPlannedInAgentsPerReplicaWithTasksAndCostPerTask() throws IOException {
    Path search = run("agents");
    SearchLogWriter.write(RunLayout.of(search).searchLog(), agentsLog());
    PlanResult plan = Planner.planRuns(List.of(search), options());
    TierRecommendation r = row(plan);
    AgentsPerReplica a = r.agents();
    assertEquals(4, a.agents());
    assertEquals(5, a.brokenAgents());
    assertEquals("emulated", a.basis());
    assertEquals("s02-qps3-none", a.probe());
    assertEquals(44, a.tasks());
    assertEquals(660, a.tasksPerHour(), 1e-9);
    assertEquals(61.25, a.taskP95Seconds());
    assertEquals(0.9545, a.shareAllStepsMet());
    assertEquals(2.0, a.requestsPerSecond(), 1e-12, "480 steps in 240 s");
    assertEquals(34.74 / 660, a.costPerTask(), 1e-12, "tier price per hour / tasks per hour");
    // the request rate the held agents offered sizes replicas for the target req/s; the broken agents' rate bounds it
    assertEquals(2.0, r.sustainable().rate(), 1e-12);
    assertEquals(2.5, r.sustainable().high(), 1e-12);
    assertTrue(r.sustainable().method().startsWith("agents search"), r.sustainable().method());
    String md = dev.capkit.planner.output.PlanMarkdown.render(plan);
    assertTrue(md.contains("| **4** [4, 5] | emulated | 660 | 52.5 s / 61.3 s | 95.5% | 2 |"), md);
    String json = dev.capkit.planner.output.PlanJson.render(plan);
    Path golden = Path.of("src/test/resources/golden/plan-v3-agents.json");
    if (Boolean.getBoolean("capkit.writeGolden")) {
      java.nio.file.Files.writeString(golden, json);
    }
    assertEquals(java.nio.file.Files.readString(golden), json, "plan.json changed: if deliberate, regenerate with -Dcapkit.writeGolden=true");
  }

  @Test
  void anAgentsSearchThatHeldNothingSaysWhy() throws IOException {
    SearchLog full = agentsLog();
    SearchLog none = new SearchLog("agents", "emulated", full.settings(), full.objectives(), List.of(full.probes().get(1)),
        new SearchLog.Answer(Double.NaN, 5, Double.NaN, 0.05, 0.95, 150, false, "every rate down to 1 was over"), full.agents());
    AgentsPerReplica a = AgentsPerReplica.of(none, 34.74);
    assertFalse(a.defined());
    assertTrue(a.undefinedReason().contains("showed no agent count to hold") && a.undefinedReason().contains("every rate down"),
        a.undefinedReason());
    assertTrue(Double.isNaN(a.costPerTask()));
    assertEquals(null, AgentsPerReplica.of(log(3.0, 3.5), 34.74), "an open-loop search has no agents");
  }

  private static TierRecommendation row(PlanResult plan) {
    return plan.rows().stream().filter(r -> r.tierId().equals(TIER)).findFirst().orElseThrow();
  }

  @Test
  void aSearchRunIsNotWarnedAboutItsProbesLadderCrossings() throws IOException {
    // 60 requests per step: the ladder's ttft.p99 crossing rests on sample maxima and the ladder plan warns;
    // the same steps planned from the search's verdicts do not (the crossings stay for reference)
    Path ladder = SyntheticRuns.mmc(dir.resolve("small-ladder"), "mmc", TIER, 4, 1.0, new double[] {1, 2, 3, 3.5, 4}, 60, 5);
    Path search = SyntheticRuns.mmc(dir.resolve("small-search"), "mmc", TIER, 4, 1.0, new double[] {1, 2, 3, 3.5, 4}, 60, 5);
    SearchLogWriter.write(RunLayout.of(search).searchLog(), log(3.0, 3.5));
    List<String> fromLadder = Planner.planRuns(List.of(ladder), options()).warnings();
    List<String> fromSearch = Planner.planRuns(List.of(search), options()).warnings();
    assertTrue(fromLadder.stream().anyMatch(w -> w.contains("sample maximum")), fromLadder.toString());
    assertFalse(fromSearch.stream().anyMatch(w -> w.contains("sample maximum")), fromSearch.toString());
  }

  @Test
  void aSearchRunIsPlannedFromTheSearchsInterval() throws IOException {
    Path ladder = run("ladder");
    Path search = run("search");
    SearchLogWriter.write(RunLayout.of(search).searchLog(), log(3.0, 3.5));
    TierRecommendation fromLadder = row(Planner.planRuns(List.of(ladder), options()));
    TierRecommendation fromSearch = row(Planner.planRuns(List.of(search), options()));
    assertEquals(Math.sqrt(3.0 * 3.5), fromSearch.sustainable().rate(), 1e-9, "the interval's geometric middle");
    assertEquals(3.0, fromSearch.sustainable().low());
    assertEquals(3.5, fromSearch.sustainable().high());
    assertEquals("ttft.p99", fromSearch.sustainable().binding(), "named by the verdict that broke the upper end");
    assertTrue(fromSearch.sustainable().method().startsWith("capacity search"), fromSearch.sustainable().method());
    assertTrue(fromSearch.replicas().defined());
    assertFalse(fromLadder.sustainable().method().startsWith("capacity search"));
    assertNotEquals(fromLadder.sustainable().rate(), fromSearch.sustainable().rate(), "same steps, another method");
  }

  @Test
  void anIntervalWithoutABrokenEndSizesFromTheHeldRateAsALowerBound() throws IOException {
    Path search = run("open-ended");
    SearchLogWriter.write(RunLayout.of(search).searchLog(), log(3.0, Double.NaN));
    PlanResult plan = Planner.planRuns(List.of(search), options());
    TierRecommendation r = row(plan);
    assertFalse(r.sustainable().defined());
    assertTrue(r.sustainable().undefinedReason().contains("did not close"), r.sustainable().undefinedReason());
    assertEquals(3.0, r.sustainable().atLeast());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("LOWER BOUND")), plan.warnings().toString());
  }
}
