package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.planner.capacity.ErlangC;
import dev.capkit.planner.output.PlanWriters;
import dev.capkit.planner.validate.ObjectiveCheck;
import dev.capkit.planner.validate.PlanPromise;
import dev.capkit.planner.validate.PlanValidation;
import dev.capkit.twin.catalog.Catalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plan validation on M/M/4 servers whose answer is known: a plan made from an M/M/4 ladder (mu = 1/s,
 * TTFT = queueing delay) promises {@code ttft.p99 <= 2s} at its per-replica rate; a validation run of
 * the same server at that rate holds it (Erlang C: P(wait > 2 s) far below 1% at that load), a server
 * 3x slower misses it, and the verdict says by how much. Bad plan.json input names file and field.
 */
class PlanValidationTest {
  @TempDir
  static Path tmp;
  static Path planJson;
  static PlanPromise promise;

  @BeforeAll
  static void plan() throws IOException {
    double analytic = ErlangC.maxArrivalRate(4, 1.0, 2.0, 0.99);
    Path sweep = SyntheticRuns.mmc(tmp.resolve("sweep"), "mmc", "gn7e-c16g1.4xlarge", 4, 1.0,
        SyntheticRuns.scaled(analytic, 0.6, 0.8, 0.9, 1.0, 1.1, 1.2), 2_000, 21);
    PlanResult plan = Planner.planRuns(List.of(sweep), PlanOptions.defaults(4).withSlos(SloTarget.parseList("ttft.p99=2s,errors=1%"))
        .withPredict(false).withGeneratedAt("2026-01-01T00:00:00Z"));
    PlanWriters.writeAll(plan, tmp.resolve("plan"));
    planJson = tmp.resolve("plan/plan.json");
    promise = PlanPromise.read(planJson, null);
  }

  @Test
  void promiseIsTheRecommendedRowsPerReplicaRate() {
    assertEquals("gn7e-c16g1.4xlarge", promise.tier());
    assertEquals("measured", promise.rowBasis());
    assertEquals(List.of("ttft.p99", "errors"), promise.objectives().stream().map(SloTarget::key).toList());
    // each replica is planned at its sustainable rate less the headroom (0.3); plan.json keeps 4 significant digits
    assertEquals(promise.sustainableQps() * (1 - promise.headroom()), promise.perReplicaQps(), 0.001 * promise.perReplicaQps());
    assertTrue(promise.sustainableQps() > 1.5 && promise.sustainableQps() < 2.5, "near Erlang C's 2.35: " + promise.sustainableQps());
  }

  @Test
  void sameServerAtThePlannedRateHoldsAndSaysByHowMuch() throws IOException {
    Path run = SyntheticRuns.mmc(tmp.resolve("valid"), "mmc", "gn7e-c16g1.4xlarge", 4, 1.0, new double[] {promise.perReplicaQps()}, 3_000, 5);
    PlanValidation v = PlanValidation.judge(promise, run, Catalog.load(null));
    assertTrue(v.held(), v.render());
    ObjectiveCheck ttft = v.checks().get(0);
    assertTrue(ttft.margin() > 0.5, "at rho = 1/3 the p99 wait is far under 2 s: " + ttft.measuredText());
    assertTrue(ttft.verdictText().startsWith("held, ") && ttft.verdictText().endsWith("under the limit"), ttft.verdictText());
    assertEquals(3_000, v.sent());
    assertTrue(v.notes().isEmpty(), v.notes().toString());
    assertTrue(v.render().contains("validate: the plan's promise HELD"), v.render());
  }

  @Test
  void aSlowerServerMissesAndTheMarginIsNegative() throws IOException {
    // mu = 0.4/s: 4 servers carry 1.6 req/s at most, so ~1.4 req/s queues far beyond 2 s at p99
    Path run = SyntheticRuns.mmc(tmp.resolve("slow"), "mmc", "gn7e-c16g1.4xlarge", 4, 0.4, new double[] {promise.perReplicaQps()}, 3_000, 6);
    PlanValidation v = PlanValidation.judge(promise, run, Catalog.load(null));
    assertFalse(v.held(), v.render());
    ObjectiveCheck ttft = v.checks().get(0);
    assertFalse(ttft.held());
    assertTrue(ttft.margin() < 0 && ttft.verdictText().startsWith("MISSED, "), ttft.verdictText());
    assertEquals(-(ttft.measured() - 2000) / 2000, ttft.margin(), 1e-12);
    assertTrue(v.render().contains("MISSED: 1 of 2 objective(s)"), v.render());
  }

  @Test
  void aRunAtAnotherRateIsSaidNotToValidateThePlansRate() throws IOException {
    Path run = SyntheticRuns.mmc(tmp.resolve("other"), "mmc", "gn7e-c16g1.4xlarge", 4, 1.0, new double[] {0.5}, 500, 7);
    PlanValidation v = PlanValidation.judge(promise, run, Catalog.load(null));
    assertTrue(v.notes().stream().anyMatch(n -> n.contains("not a validation of the plan's rate")), v.notes().toString());
  }

  @Test
  void badPlanJsonNamesFileAndField() throws IOException {
    Path notJson = Files.writeString(tmp.resolve("bad.json"), "{\"capkitPlan\": 9}");
    PlanException e = assertThrows(PlanException.class, () -> PlanPromise.read(notJson, null));
    assertEquals(notJson + ": field 'capkitPlan': expected plan format 1, 2 or 3, got 9", e.getMessage());
    e = assertThrows(PlanException.class, () -> PlanPromise.read(planJson, "gn99.huge"));
    assertTrue(e.getMessage().startsWith(planJson + ": --tier 'gn99.huge': no such row in 'tiers' (rows: gn7e-c16g1.4xlarge bf16 (measured)"),
        e.getMessage());
    Path noRate = Files.writeString(tmp.resolve("norate.json"), Files.readString(planJson).replaceFirst("\"perReplicaQps\" : [0-9.]+",
        "\"perReplicaQps\" : null"));
    e = assertThrows(PlanException.class, () -> PlanPromise.read(noRate, null));
    assertTrue(e.getMessage().contains("field 'tiers[tier=gn7e-c16g1.4xlarge].replicas.perReplicaQps' is null"), e.getMessage());
    e = assertThrows(PlanException.class, () -> PlanPromise.read(tmp.resolve("missing.json"), null));
    assertTrue(e.getMessage().startsWith(tmp.resolve("missing.json") + ": cannot read plan.json"), e.getMessage());
  }
}
