package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.planner.capacity.ErlangC;
import dev.capkit.planner.output.KubernetesManifests;
import dev.capkit.planner.output.PlanJson;
import dev.capkit.planner.output.PlanMarkdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan built only on runs against capkit's emulator never calls a figure measured: rows are
 * emulated, the first line of plan.md and of the YAML says so, container CPU/memory from the
 * emulator's samples are modelled, and the emulator-vs-virtual-time ratio is not applied as a
 * calibration. Runs with emulator fault hooks are refused unless asked for.
 */
class PlanBasisTest {
  @TempDir
  static Path tmp;
  static Path emulatedRun;
  static PlanResult plan;

  @BeforeAll
  static void plan() throws IOException {
    double analytic = ErlangC.maxArrivalRate(4, 1.0, 2.0, 0.99);
    emulatedRun = SyntheticRuns.mmc(tmp.resolve("emulated"), "mmc", "gn7e-c16g1.4xlarge", 4, 1.0,
        SyntheticRuns.scaled(analytic, 0.6, 0.8, 0.9, 1.0, 1.1, 1.2), 2_000, 11);
    asEmulator(emulatedRun, "");
    try (ServerSamplesWriter w = ServerSamplesWriter.create(emulatedRun, "http://synthetic/metrics", 10)) {
      for (ServerSample s : ContainerSizingTest.fixed()) {
        w.append(s);
      }
    }
    plan = Planner.planRuns(List.of(emulatedRun), PlanOptions.defaults(10)
        .withSlos(SloTarget.parseList("e2e.p99=8s,ttft.p99=2s,errors=0.1%"))
        .withTiers(List.of("gn6i-c4g1.xlarge", "gn7e-c16g1.4xlarge"))
        .withAlternativeDtypes(false)
        .withGeneratedAt("2026-01-01T00:00:00Z"));
  }

  /** Rewrites a synthetic run's target as capkit's embedded emulator, with {@code extra} emulator settings. */
  static void asEmulator(Path run, String extra) throws IOException {
    Path file = run.resolve("run.json");
    String json = Files.readString(file).replace("\"kind\" : \"remote\"", "\"kind\" : \"emulator\"")
        .replace("\"basis\" : \"measured\"", "\"basis\" : \"emulated\"")
        .replace("\"dtype\" : \"bf16\"", "\"dtype\" : \"bf16\"" + extra);
    Files.writeString(file, json);
  }

  @Test
  void noFigureOfAnEmulatedPlanIsCalledMeasured() {
    TierRecommendation best = plan.recommended().orElseThrow();
    assertEquals(Basis.EMULATED, best.basis());
    assertEquals("emulated", plan.basis().key());
    String md = PlanMarkdown.render(plan);
    assertTrue(md.startsWith("**EMULATED PLAN:"), md.lines().findFirst().orElse(""));
    assertTrue(PlanMarkdown.tierTable(plan).contains("| emulated |"), PlanMarkdown.tierTable(plan));
    String yaml = KubernetesManifests.render(plan);
    assertTrue(yaml.startsWith("# EMULATED PLAN:"), yaml.lines().findFirst().orElse(""));
    assertTrue(yaml.contains("capkit.dev/basis: \"emulated\""));
    String json = PlanJson.render(plan);
    assertTrue(json.contains("\"basis\" : \"emulated\""));
    for (String text : List.of(md, yaml, json)) {
      assertFalse(text.matches("(?s).*\\bmeasured \\(\\d+ samples.*"), "container figures called measured");
      assertFalse(text.contains("\"basis\" : \"measured\""));
      assertFalse(text.contains("| measured |"));
    }
  }

  @Test
  void containerSizingFromEmulatorSamplesIsModelled() {
    assertTrue(plan.pod().modelled());
    assertFalse(plan.pod().measured());
    assertTrue(plan.pod().basis().get(0).contains(": modelled ("), plan.pod().basis().get(0));
    assertTrue(PlanJson.render(plan).contains("\"cpuMemoryBasis\" : \"modelled\""));
  }

  @Test
  void emulatedLadderIsNotAppliedAsCalibration() {
    assertFalse(plan.calibration().applied());
    assertFalse(plan.calibration().note().contains("measured"), plan.calibration().note());
  }

  @Test
  void anUnappliedRatioSaysWhatThePredictedRowsRestOn() {
    assertEquals("predicted rows are the twin's catalog constants alone", Planner.unscaledPredictions(false, "catalog: A100"));
    assertEquals("predicted rows are the twin with calibration profile 'x' (fit.json) alone",
        Planner.unscaledPredictions(true, "calibration profile 'x' (fit.json)"));
  }

  @Test
  void faultHookRunsAreRefusedUnlessAllowed() throws IOException {
    Path run = SyntheticRuns.mmc(tmp.resolve("slowed"), "mmc", "gn7e-c16g1.4xlarge", 4, 1.0, new double[] {1, 2}, 200, 3);
    asEmulator(run, ", \"slowdown\" : \"1.2\"");
    PlanOptions options = PlanOptions.defaults(10).withPredict(false).withSlos(SloTarget.parseList("ttft.p99=2s"));
    PlanException refused = assertThrows(PlanException.class, () -> Planner.planRuns(List.of(run), options));
    assertTrue(refused.getMessage().contains("run.json: field 'target.emulator' has fault hooks on (slowdown=1.2)"), refused.getMessage());
    assertTrue(refused.getMessage().contains("--allow-fault-hooks"));
    PlanResult allowed = Planner.planRuns(List.of(run), options.withAllowFaultHooks(true));
    assertTrue(allowed.warnings().stream().anyMatch(w -> w.contains("fault hooks on (slowdown=1.2)")), allowed.warnings().toString());
  }
}
