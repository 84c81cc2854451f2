package dev.capkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RunOptionsTest {
  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void defaultsWithoutAnyProperty() {
    RunOptions o = RunOptions.parse(props(), Map.of());
    assertEquals("quickstart", o.scenario());
    assertTrue(o.target().embedded());
    assertEquals(InjectorShare.WHOLE, o.share());
    assertNull(o.startAtEpochMillis());
    assertNull(o.startAtFile());
    assertEquals(1.0, o.slowdown());
    assertEquals(0.0, o.brokenStreams());
    assertNull(o.afterRun().targetQps());
    assertNull(o.afterRun().baseline());
    assertEquals(Path.of("target/capkit-runs"), o.resultsDir());
  }

  @Test
  void runLevelPropertiesAreTypedAndTheRestAreScenarioOverrides() {
    RunOptions o = RunOptions.parse(props("capkit.target", "http://10.0.0.5:8000/v1/", "capkit.tier", "gn7i",
        "capkit.injector", "1/3", "capkit.startAt", "1700000000000", "capkit.targetQps", "2.5",
        "capkit.qps", "4", "capkit.slo.e2e.p99", "8s", "other.property", "x"), Map.of("CAPKIT_API_KEY", "k"));
    assertEquals(URI.create("http://10.0.0.5:8000"), o.target().url());
    assertEquals("gn7i", o.target().tier());
    assertEquals("k", o.target().apiKey());
    assertEquals(new InjectorShare(1, 3), o.share());
    assertEquals(1_700_000_000_000L, o.startAtEpochMillis());
    assertEquals(2.5, o.afterRun().targetQps());
    assertEquals(Map.of("qps", "4", "slo.e2e.p99", "8s"), o.overrides());
  }

  @Test
  void badValuesNameThePropertyAndTheValue() {
    String[][] cases = {
        {"capkit.target", "not a url"}, {"capkit.injector", "3/3"}, {"capkit.startAt", "soon"},
        {"capkit.targetQps", "-1"}, {"capkit.slowdown", "lots"}, {"capkit.brokenStreams", "2"},
        {"capkit.targetKind", "gpu"}, {"capkit.metricsPort", "70000"}, {"capkit.prometheus", "prom:9090"},
        {"capkit.startAtFile", "/tmp/start-at", "capkit.startAt", "1700000000000"},
        {"capkit.prometheusSelector", "{pod=\"x\"}"}};
    for (String[] c : cases) {
      ScenarioException e = assertThrows(ScenarioException.class, () -> RunOptions.parse(props(c), Map.of()), c[0]);
      assertTrue(e.getMessage().startsWith("-D" + c[0]) && e.getMessage().contains(c[1]), e.getMessage());
    }
  }

  @Test
  void prometheusSourceIsParsedWithItsSelectorAndSeries() {
    RunOptions o = RunOptions.parse(props("capkit.prometheus", "http://10.0.0.9:9090", "capkit.prometheusSelector", "{pod=\"vllm-0\"}",
        "capkit.prometheusSeries", "cadvisor"), Map.of());
    assertEquals("http://10.0.0.9:9090", o.prometheus().url().toString());
    assertEquals("{pod=\"vllm-0\"}", o.prometheus().selector());
    assertEquals("container_cpu_usage_seconds_total", o.prometheus().series().cpu());
    ScenarioException e = assertThrows(ScenarioException.class, () -> RunOptions.parse(props("capkit.prometheus", "http://p:9090",
        "capkit.prometheusSeries", "dcgm"), Map.of()));
    assertTrue(e.getMessage().startsWith("-Dcapkit.prometheusSeries") && e.getMessage().contains("known: process, cadvisor"), e.getMessage());
  }

  @Test
  void unknownOverrideIsRefusedByTheScenarioLoaderWithItsName() {
    RunOptions o = RunOptions.parse(props("capkit.scenariosDir", "../scenarios", "capkit.qsp", "4"), Map.of());
    ScenarioException e = assertThrows(ScenarioException.class, o::loadScenario);
    assertTrue(e.getMessage().startsWith("-Dcapkit.qsp"), e.getMessage());
  }

  @Test
  void loadsTheNamedScenarioWithOverrides() {
    Scenario s = RunOptions.parse(props("capkit.scenariosDir", "../scenarios", "capkit.qps", "3"), Map.of()).loadScenario();
    assertEquals("quickstart", s.name());
    assertEquals(3.0, s.steps().get(0).offered());
  }

  @Test
  void relativeBaselineResolvesAgainstTheRepositoryRoot() {
    RunOptions o = RunOptions.parse(props("capkit.scenariosDir", "../scenarios", "capkit.baseline", "baselines/none.json"), Map.of());
    assertEquals(Path.of("../scenarios").toAbsolutePath().getParent().resolve("baselines/none.json"), o.afterRun().baseline());
  }
}
