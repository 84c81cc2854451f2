package dev.capkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RunLayout;
import dev.capkit.core.run.AfterRunOptions;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The after-run pipeline on a recorded run folder (the reports module's quickstart fixture, copied). */
class AfterRunTest {
  private static final Path FIXTURES = Path.of("../reports/src/test/resources/fixture");

  @TempDir
  Path dir;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private Path copy(String name) throws IOException {
    return copy(name, name);
  }

  private Path copy(String name, String as) throws IOException {
    Path from = FIXTURES.resolve(name);
    Path to = dir.resolve(as);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
    return to;
  }

  private static Scenario quickstart() {
    return ScenarioLoader.load(ScenarioLoader.resolve("quickstart", Path.of("../scenarios")), Map.of());
  }

  @Test
  void withoutBaselinePlansAndReportsIntoTheRunFolder() throws IOException {
    Path run = copy("run-quickstart");
    AfterRun.Result r = AfterRun.run(run, quickstart(), AfterRunOptions.none("-Dcapkit.targetQps").withTargetQps(2.0, "--target-qps"), out);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, r.gate());
    assertFalse(Files.exists(RunLayout.of(run).gateDir()), "no baseline, no gate");
    assertTrue(text.contains("planning for 2.00 req/s (--target-qps)"), text);
    assertEquals(RunLayout.of(run).planJson(), r.planJson(), text);
    assertTrue(Files.size(r.planJson()) > 0);
    assertEquals(RunLayout.of(run).report(), r.report(), text);
    assertTrue(Files.readString(r.report()).contains("<svg"), "the page has its charts");
  }

  @Test
  void withBaselineTheGateRunsAndWritesItsFiles() throws IOException {
    Path run = copy("run-quickstart");
    Path baseline = copy("run-quickstart", "same-run-as-baseline");
    AfterRun.Result r = AfterRun.run(run, quickstart(), new AfterRunOptions(null, "-Dcapkit.targetQps", null, baseline), out);
    String text = bytes.toString(StandardCharsets.UTF_8);
    // the fixture's steps hold 3-5 requests: the gate runs, says why it cannot judge, and exits 2
    assertEquals(2, r.gate(), text);
    assertTrue(text.contains("too few samples"), text);
    assertTrue(Files.exists(RunLayout.of(run).gateDir().resolve("junit.xml")), text);
    assertTrue(text.contains("the run's highest offered rate; set -Dcapkit.targetQps"), text);
    assertNotNull(r.report());
  }

  @Test
  void unusableBaselineIsExitTwoAndThePlanStillComes() throws IOException {
    Path run = copy("run-quickstart");
    AfterRun.Result r = AfterRun.run(run, quickstart(), new AfterRunOptions(2.0, "x", null, dir.resolve("missing")), out);
    assertEquals(2, r.gate());
    assertNotNull(r.planJson(), bytes.toString(StandardCharsets.UTF_8));
  }
}
