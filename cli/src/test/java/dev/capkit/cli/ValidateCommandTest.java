package dev.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to ./capkit validate stops before any load with status 2 and names the file, field or
 * flag (the verdict itself is tested in planner's PlanValidationTest on runs with known answers).
 */
class ValidateCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int validate(String... args) throws Exception {
    Path cp = dir.resolve("cp.txt");
    Files.writeString(cp, "/nowhere.jar");
    List<String> all = new ArrayList<>(List.of("--classpath-file", cp.toString(), "--scenarios", Path.of("../scenarios").toString(),
        "--out", dir.resolve("out").toString()));
    all.addAll(List.of(args));
    return ValidateCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** A plan.json with one measured row at 0.5 req/s per replica, for {@code scenario}. */
  private Path plan(String scenario) throws Exception {
    return Files.writeString(dir.resolve("plan.json"), """
        {"capkitPlan": 2, "inputs": {"scenario": "%s", "targetQps": 1, "headroom": 0.3,
          "slos": [{"key": "ttft.p99", "limit": "2s"}, {"key": "errors", "limit": "1%%"}]},
         "tiers": [{"tier": "llamacpp-host-2c", "dtype": "bf16", "basis": "measured", "rank": 0,
           "sustainable": {"qpsPerReplica": 0.8, "atLeast": null}, "replicas": {"perReplicaQps": 0.5}}]}
        """.formatted(scenario));
  }

  @Test
  void missingPlanAndMissingTargetAreStatus2() throws Exception {
    assertEquals(2, validate(dir.resolve("none.json").toString(), "--target", "http://127.0.0.1:1"));
    assertTrue(err().contains("none.json: cannot read plan.json"), err());
    assertEquals(2, validate(plan("gate-smoke").toString()));
    assertTrue(err().contains("--target URL is required"), err());
    assertEquals(2, validate(plan("gate-smoke").toString(), "--target", "http://127.0.0.1:1", "--duration", "ten"));
    assertTrue(err().contains("--duration: 'ten' is not a duration"), err());
    assertEquals(2, validate(plan("gate-smoke").toString(), "--target", "http://127.0.0.1:1", "--tier", "gn99"));
    assertTrue(err().contains("--tier 'gn99': no such row"), err());
  }

  @Test
  void aPlanOfAnUnknownScenarioOrAClosedLoopOneStopsBeforeAnyLoad() throws Exception {
    assertEquals(2, validate(plan("no-such-scenario").toString(), "--target", "http://127.0.0.1:1"));
    assertTrue(err().contains("no-such-scenario"), err());
    assertEquals(2, validate(plan("phone-agent-sessions").toString(), "--target", "http://127.0.0.1:1"));
    assertTrue(err().contains("closed-loop"), err());
    assertFalse(Files.exists(dir.resolve("out")), "no injector was started");
  }

  @Test
  void helpIsStatus0() throws Exception {
    assertEquals(0, validate("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("exit 0 held, 1 missed, 2 bad input"));
  }
}
