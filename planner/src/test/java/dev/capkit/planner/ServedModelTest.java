package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.planner.capacity.ErlangC;
import dev.capkit.planner.output.PlanJson;
import dev.capkit.planner.output.PlanMarkdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner judges memory from the model the target served (run.json {@code target.served.model}),
 * not from the scenario's: a measured run of the llama.cpp engine on the CPU tier gets measured rows
 * with a judged fit; a served model the catalog does not know gets measured rows whose memory fit is
 * NOT judged, naming the model the catalog would need, and no predicted tiers (#15). A remote run
 * without a tier label is refused naming {@code -Dcapkit.tier}.
 */
class ServedModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  /** An M/M/4 ladder relabelled as served by llama.cpp with {@code model} on {@code tier}. */
  private Path llamaRun(String name, String tier, String model) throws IOException {
    double analytic = ErlangC.maxArrivalRate(4, 1.0, 2.0, 0.99);
    Path run = SyntheticRuns.mmc(tmp.resolve(name), "gate-smoke", tier, 4, 1.0,
        SyntheticRuns.scaled(analytic, 0.6, 0.8, 1.0, 1.2), 1_000, 5);
    Path file = run.resolve("run.json");
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    ObjectNode target = (ObjectNode) root.get("target");
    target.remove("emulator");
    target.put("model", model);
    target.putObject("served").put("engine", "llama.cpp").put("model", model);
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    return run;
  }

  private static PlanOptions options() {
    return PlanOptions.defaults(2).withSlos(SloTarget.parseList("ttft.p99=2s,errors=1%")).withGeneratedAt("2026-01-01T00:00:00Z");
  }

  @Test
  void measuredLlamaCppRunOnTheCpuTierGetsMeasuredRowsWithAJudgedFit() throws IOException {
    PlanResult plan = Planner.planRuns(List.of(llamaRun("cpu", "llamacpp-host-2c", "capkit-random-llama-30m-seed42-v1")),
        options().withPredict(false));
    assertEquals(1, plan.rows().size());
    TierRecommendation row = plan.rows().get(0);
    assertEquals("llamacpp-host-2c", row.tierId());
    assertEquals("CPU-2C", row.gpu());
    assertEquals(Basis.MEASURED, row.basis());
    assertTrue(row.sustainable().defined(), row.sustainable().undefinedReason());
    assertTrue(row.vram().judged() && row.vram().fits(), String.valueOf(row.vram().reason()));
    // 9 x 2,949,120 linear x 2 B + 3,028 x 512 x (2 B embedding + 4 B F32 output) = 62,386,176 B
    assertEquals(62_386_176 / (double) (1L << 30), row.vram().weightsGib(), 1e-9);
    assertEquals("price unknown (tiers.json price_per_hour is null)", row.notRankedReason());
    assertTrue(PlanMarkdown.tierTable(plan).contains("| llamacpp-host-2c | CPU-2C |"), PlanMarkdown.tierTable(plan));
    assertTrue(PlanJson.render(plan).contains("\"basis\" : \"measured\""));
  }

  @Test
  void aCpuTierRunPredictsNoOtherTierUnlessNamed() throws IOException {
    PlanResult plan = Planner.planRuns(List.of(llamaRun("cpu-predict", "llamacpp-host-2c", "capkit-random-llama-30m-seed42-v1")),
        options());
    assertEquals(List.of("llamacpp-host-2c"), plan.rows().stream().map(TierRecommendation::tierId).toList());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("no other tier predicted: the runs measured a CPU tier")),
        plan.warnings().toString());
  }

  @Test
  void unknownServedModelIsMeasuredButItsMemoryFitIsNotJudged() throws IOException {
    Path run = llamaRun("unknown", "gn7e-c16g1.4xlarge", "qwen2.5-7b-instruct-q4");
    PlanResult plan = Planner.planRuns(List.of(run), options().withTiers(List.of("gn6i-c4g1.xlarge")));
    assertEquals(1, plan.rows().size(), "no tier is predicted without the model's architecture");
    TierRecommendation row = plan.rows().get(0);
    assertEquals(Basis.MEASURED, row.basis());
    assertTrue(row.sustainable().defined(), "the measured ladder is still planned");
    assertFalse(row.vram().judged());
    assertEquals(0, row.rank());
    String need = "models.json has no entry with id or served_model_name 'qwen2.5-7b-instruct-q4'";
    assertTrue(row.vram().reason().contains(need), row.vram().reason());
    assertTrue(row.notRankedReason().contains("VRAM fit NOT judged"), row.notRankedReason());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains(need) && w.contains("no tier is predicted")), plan.warnings().toString());
    assertTrue(plan.calibration().note().contains("qwen2.5-7b-instruct-q4"), plan.calibration().note());
    assertTrue(PlanMarkdown.tierTable(plan).contains("not judged: model not in catalog"), PlanMarkdown.tierTable(plan));
    String json = PlanJson.render(plan);
    assertTrue(json.contains("\"weightsGib\" : null"), json);
    assertFalse(PlanMarkdown.render(plan).contains("weights 19.2"), "the scenario's 9B model must not be judged instead");
  }

  @Test
  void runsOfDifferentServedModelsAreRefused() throws IOException {
    Path a = llamaRun("a", "llamacpp-host-2c", "capkit-random-llama-30m-seed42-v1");
    Path b = llamaRun("b", "llamacpp-host-2c", "other-model");
    PlanException e = assertThrows(PlanException.class, () -> Planner.planRuns(List.of(a, b), options().withPredict(false)));
    assertTrue(e.getMessage().contains("field 'target.served.model' is 'other-model'"), e.getMessage());
  }

  @Test
  void unlabelledRemoteRunNamesTheTierProperty() throws IOException {
    Path run = llamaRun("unlabelled", "unlabelled", "capkit-random-llama-30m-seed42-v1");
    PlanException e = assertThrows(PlanException.class, () -> Planner.planRuns(List.of(run), options()));
    assertTrue(e.getMessage().contains("field 'target.tier' is 'unlabelled'") && e.getMessage().contains("-Dcapkit.tier=<id>")
        && e.getMessage().contains("llamacpp-host-2c"), e.getMessage());
  }
}
