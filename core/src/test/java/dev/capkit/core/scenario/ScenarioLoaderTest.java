package dev.capkit.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {
  private static final Path SCENARIOS = Path.of("../scenarios");

  @TempDir
  Path dir;

  @Test
  void everyShippedScenarioLoads() throws IOException {
    try (var files = Files.list(SCENARIOS)) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).toList();
      assertTrue(all.size() >= 4, "quickstart, release-gate, capacity-sweep, phone-agent-sessions");
      for (Path p : all) {
        Scenario s = ScenarioLoader.load(p, Map.of());
        assertTrue(!s.steps().isEmpty(), p + " has steps");
      }
    }
  }

  @Test
  void quickstartIsAShortOpenLadder() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("quickstart.json"), Map.of());
    assertInstanceOf(LoadShape.Open.class, s.load());
    assertEquals("s00-qps0.25-none", s.steps().get(0).id());
    assertTrue(s.loadDuration().compareTo(Duration.ofMinutes(3)) <= 0, "quickstart load fits the 5-minute budget");
  }

  @Test
  void overridesGiveOneQuickStep() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("quickstart.json"),
        Map.of("qps", "5", "duration", "30s", "slo.e2e.p99", "2s", "timeout.total", "90s"));
    assertEquals(1, s.steps().size());
    assertEquals(5.0, s.steps().get(0).offered());
    assertEquals(Duration.ofSeconds(30), s.steps().get(0).duration());
    assertEquals(Duration.ofSeconds(2), s.slo().latency().stream().filter(o -> o.metric().equals("e2e")).findFirst().orElseThrow().threshold());
    assertEquals(Duration.ofSeconds(90), s.timeouts().total());
  }

  @Test
  void stepsCrossLevelsWithNetworkProfiles() {
    Scenario s = ScenarioLoader.load(SCENARIOS.resolve("quickstart.json"), Map.of("network", "none,vpc-20ms"));
    assertEquals(6, s.steps().size());
    assertEquals("s01-qps0.25-vpc-20ms", s.steps().get(1).id());
    assertEquals(Duration.ofSeconds(30), s.steps().get(1).start());
  }

  @Test
  void unknownFieldIsNamedWithTheKnownOnes() throws IOException {
    ScenarioException e = loadBroken("\"qps\": [0.5, 1, 1.5]", "\"qps\": [0.5, 1, 1.5], \"qpss\": [1]");
    assertTrue(e.getMessage().contains("field 'load.qpss'"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown field"), e.getMessage());
  }

  @Test
  void screenshotFolderIsResolvedAgainstTheScenarioFileAndChecked() throws IOException {
    ScenarioException e = loadBroken("\"screenshot\": \"1080x2400\"", "\"screenshots\": \"shots\"");
    assertTrue(e.getMessage().contains("field 'mix[0].screenshots': 'shots' is not a folder (looked for "
        + dir.resolve("shots") + ")"), e.getMessage());
    Files.createDirectory(dir.resolve("shots"));
    String text = Files.readString(Path.of("src/test/resources/fixture-scenario.json"));
    Path f = Files.writeString(dir.resolve("real.json"), text.replace("\"screenshot\": \"1080x2400\"", "\"screenshots\": \"shots\""));
    assertEquals(dir.resolve("shots").toString(), ScenarioLoader.load(f, Map.of()).mix().get(0).screenshotFolder());
  }

  @Test
  void emulatorVllmKnobsLoadAndUnknownOnesAreNamed() throws IOException {
    ScenarioException e = loadBroken("\"profile\": \"physics\"", "\"profile\": \"physics\", \"vllm\": {\"gpu_memory_utilisation\": 0.95}");
    assertTrue(e.getMessage().contains("emulator.vllm.gpu_memory_utilisation") && e.getMessage().contains("unknown vLLM knob"),
        e.getMessage());
  }

  @Test
  void negativeQpsNamesFieldAndValue() throws IOException {
    ScenarioException e = loadBroken("\"qps\": [0.5, 1, 1.5]", "\"qps\": [1, -2]");
    assertTrue(e.getMessage().contains("load.qps[1]"), e.getMessage());
    assertTrue(e.getMessage().contains("-2"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toString()), "names the file: " + e.getMessage());
  }

  @Test
  void badOverrideNamesTheProperty() {
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load(SCENARIOS.resolve("quickstart.json"), Map.of("qps", "-3")));
    assertEquals("-Dcapkit.qps", e.source());
    assertTrue(e.getMessage().contains("-3"));
    e = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load(SCENARIOS.resolve("quickstart.json"), Map.of("qsp", "3")));
    assertTrue(e.getMessage().contains("unknown override"), e.getMessage());
    e = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load(SCENARIOS.resolve("quickstart.json"), Map.of("agents", "3")));
    assertTrue(e.getMessage().contains("open-loop"), e.getMessage());
  }

  @Test
  void badSloAndDurationAreExplained() throws IOException {
    ScenarioException e = loadBroken("\"e2e.p99\": \"15s\"", "\"e2e.p99\": \"fast\"");
    assertTrue(e.getMessage().contains("slo.e2e.p99") && e.getMessage().contains("fast"), e.getMessage());
    e = loadBroken("\"e2e.p99\": \"15s\"", "\"latency.p99\": \"15s\"");
    assertTrue(e.getMessage().contains("latency.p99"), e.getMessage());
    e = loadBroken("\"stepDuration\": \"30s\"", "\"stepDuration\": \"30 parsecs\"");
    assertTrue(e.getMessage().contains("load.stepDuration") && e.getMessage().contains("30 parsecs"), e.getMessage());
  }

  @Test
  void missingFileListsKnownScenarios() {
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.resolve("quikstart", SCENARIOS));
    assertTrue(e.getMessage().contains("quickstart"), e.getMessage());
    assertTrue(e.getMessage().contains("no such scenario"), e.getMessage());
  }

  @Test
  void malformedJsonGivesLineAndColumn() throws IOException {
    Path f = dir.resolve("broken.json");
    Files.writeString(f, "{ \"capkitScenario\": 1, \n \"name\": }");
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(f, Map.of()));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void tokenDistributionHasItsMedianAndP90() {
    TokenDistribution d = new TokenDistribution(300, 1200);
    var rng = new java.util.SplittableRandom(1);
    int n = 20_000;
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = d.sample(rng);
    }
    java.util.Arrays.sort(v);
    assertEquals(300, v[n / 2], 300 * 0.05);
    assertEquals(1200, v[(int) (n * 0.9)], 1200 * 0.05);
  }

  private ScenarioException loadBroken(String from, String to) throws IOException {
    String text = Files.readString(Path.of("src/test/resources/fixture-scenario.json"));
    assertTrue(text.contains(from), "fixture contains " + from);
    Path f = dir.resolve("broken.json");
    Files.writeString(f, text.replace(from, to));
    return assertThrows(ScenarioException.class, () -> ScenarioLoader.load(f, Map.of()));
  }
}
