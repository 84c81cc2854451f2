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

  private static TierRecommendation row(PlanResult plan) {
    return plan.rows().stream().filter(r -> r.tierId().equals(TIER)).findFirst().orElseThrow();
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
