package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.planner.capacity.ErlangC;
import dev.capkit.planner.output.KubernetesManifests;
import dev.capkit.planner.output.PlanJson;
import dev.capkit.planner.output.PlanMarkdown;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * plan.json format v3 pinned by a golden file (plan-v1.json and plan-v2.json stay as the samples of older formats readers
 * accept; an agents row is pinned by plan-v3-agents.json in SearchPlanTest), and the Kubernetes YAML parsed by an independent
 * YAML parser. The plan comes from a synthetic M/M/4 run labelled as the A100-80GB tier (with server
 * samples), the T4 tier whose BF16 weights do not fit, and the emulator's calibration virtual runs,
 * so a change in the emulator's physics changes the golden file too: regenerate deliberately with
 * {@code mvn -q -pl planner -am test -Dtest=GoldenPlanTest -Dsurefire.failIfNoSpecifiedTests=false -Dcapkit.writeGolden=true}.
 */
class GoldenPlanTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/plan-v3.json");

  @TempDir
  static Path tmp;
  static PlanResult plan;

  @BeforeAll
  static void plan() throws Exception {
    double analytic = ErlangC.maxArrivalRate(4, 1.0, 2.0, 0.99);
    Path run = SyntheticRuns.mmc(tmp.resolve("mmc-golden"), "mmc", "gn7e-c16g1.4xlarge", 4, 1.0,
        SyntheticRuns.scaled(analytic, 0.6, 0.8, 0.9, 1.0, 1.1, 1.2), 2_000, 11);
    try (ServerSamplesWriter w = ServerSamplesWriter.create(run, "http://synthetic/metrics", 10)) {
      for (ServerSample s : ContainerSizingTest.fixed()) {
        w.append(s);
      }
    }
    plan = Planner.planRuns(List.of(run), PlanOptions.defaults(10)
        .withSlos(SloTarget.parseList("e2e.p99=8s,ttft.p99=2s,errors=0.1%"))
        .withTiers(List.of("gn6i-c4g1.xlarge", "gn7e-c16g1.4xlarge"))
        .withAlternativeDtypes(false)
        .withGeneratedAt("2026-01-01T00:00:00Z"));
  }

  @Test
  void planJsonMatchesGoldenFile() throws Exception {
    String json = PlanJson.render(plan);
    if (Boolean.getBoolean("capkit.writeGolden")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, json);
    }
    assertEquals(Files.readString(GOLDEN), json, "plan.json changed: if deliberate, regenerate with -Dcapkit.writeGolden=true");
  }

  @Test
  void olderFormatsAreStillRead() {
    for (String v : List.of("plan-v1.json", "plan-v2.json")) {
      var promise = dev.capkit.planner.validate.PlanPromise.read(GOLDEN.resolveSibling(v), null);
      assertEquals("gn7e-c16g1.4xlarge", promise.tier(), v);
    }
  }

  @Test
  void tierTableMarksT4BfloatInfeasibleAndRecommendsTheMeasuredTier() {
    String table = PlanMarkdown.tierTable(plan);
    assertTrue(table.contains("| - | gn6i-c4g1.xlarge | T4 | 15 GB | bf16 | **no**: weights 19.2 GiB"), table);
    assertTrue(table.contains("fits: int4"), table);
    TierRecommendation best = plan.recommended().orElseThrow();
    assertEquals("gn7e-c16g1.4xlarge", best.tierId());
    assertEquals(Basis.MEASURED, best.basis());
    assertTrue(plan.pod().measured());
    assertTrue(plan.recommendation().contains("replicas"), plan.recommendation());
  }

  /** The PrometheusRule's spec is a Prometheus rule file: promtool accepts it as it stands. */
  @Test
  void prometheusRuleSpecPassesPromtoolCheckRules() throws Exception {
    Promtool promtool = Promtool.require();
    Object spec = prometheusRule().get("spec");
    Files.writeString(tmp.resolve("plan-rules.yaml"), new Yaml().dump(spec));
    Promtool.Result check = promtool.run(tmp, "check", "rules", "plan-rules.yaml");
    assertEquals(0, check.exit(), check.output());
    assertTrue(check.output().contains("SUCCESS: 5 rules found"), check.output());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> prometheusRule() {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object o : new Yaml().loadAll(KubernetesManifests.render(plan))) {
      docs.add((Map<String, Object>) o);
    }
    return docs.get(2);
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesYamlParses() {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object o : new Yaml().loadAll(KubernetesManifests.render(plan))) {
      docs.add((Map<String, Object>) o);
    }
    assertEquals(List.of("Deployment", "HorizontalPodAutoscaler", "PrometheusRule"), docs.stream().map(d -> d.get("kind")).toList());
    Map<String, Object> spec = (Map<String, Object>) docs.get(0).get("spec");
    assertEquals(plan.recommended().orElseThrow().replicas().replicas(), spec.get("replicas"));
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
    Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
    Map<String, Object> resources = (Map<String, Object>) container.get("resources");
    Map<String, Object> limits = (Map<String, Object>) resources.get("limits");
    assertEquals(1, limits.get("nvidia.com/gpu"));
    assertTrue(((String) limits.get("memory")).endsWith("Mi"));
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      Map<String, Object> get = (Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet");
      assertEquals("/health", get.get("path"), probe);
    }
    Map<String, Object> hpa = (Map<String, Object>) docs.get(1).get("spec");
    Map<String, Object> metric = ((List<Map<String, Object>>) hpa.get("metrics")).get(0);
    assertEquals("vllm_num_requests_waiting", ((Map<String, Object>) ((Map<String, Object>) metric.get("pods")).get("metric")).get("name"));
    List<Map<String, Object>> rules = (List<Map<String, Object>>) ((List<Map<String, Object>>) ((Map<String, Object>) docs.get(2)
        .get("spec")).get("groups")).get(0).get("rules");
    assertEquals(List.of("E2eP99AboveSlo", "E2eP99MaybeAboveSlo", "TtftP99AboveSlo", "TtftP99MaybeAboveSlo", "ErrorShareAboveSlo"),
        rules.stream().map(rule -> rule.get("alert")).toList());
    assertTrue(((String) rules.get(0).get("expr")).contains("vllm:e2e_request_latency_seconds_bucket{le=~\"10|10\\\\.0\"}[5m]"),
        (String) rules.get(0).get("expr"));
    assertEquals("2m", rules.get(0).get("for"));
  }
}
