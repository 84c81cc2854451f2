package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.planner.output.SloAlertRule;
import dev.capkit.planner.output.SloAlertRules;
import dev.capkit.planner.output.VllmHistogram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The generated alert rules, proven with Prometheus' own rule engine: {@code promtool check rules}
 * on the rule file, then {@code promtool test rules} on generated input series. For every objective
 * the series come from request latencies placed relative to the objective (not to the rules):
 * <ul>
 *   <li><b>holds</b>: half the allowed share of requests at 3x the limit, the rest well inside: every
 *       alert of the objective silent;
 *   <li><b>at the limit</b>: every request exactly at the limit (it holds: "at most L"): no page; a
 *       limit between two buckets raises its documented warning;
 *   <li><b>just above</b>: every request at 1.01x the limit (broken): a page when the limit is a
 *       bucket bound, else the warning only (the series cannot tell 1.01 L from L);
 *   <li><b>broken</b>: twice the allowed share beyond the next bucket above the limit: the page fires.
 * </ul>
 * Errors: half the allowed share of 5xx answers holds, twice it (at least 2%) pages. 10,000 requests a
 * minute for 15 minutes, evaluated at minute 10 (the alerts' 2-minute {@code for} has passed).
 * Objective sets: the repository's scenarios' and the golden plan's, plus p99.9, p95, TPOT and ITL.
 */
class SloAlertRulesTest {
  private static final int PER_MINUTE = 10_000;
  private static final Map<String, String> SERIES_LABELS = Map.of("model_name", "autoglm-phone-9b");

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"e2e.p99=15s,ttft.p99=5s,errors=1%", "e2e.p99=20s,ttft.p99=2s,errors=1%",
      "e2e.p99=15s,ttft.p99=5s,tpot.p99=100ms,errors=0.5%", "e2e.p99=30s,ttft.p99=10s,errors=1%",
      "e2e.p99=8s,ttft.p99=2s,errors=0.1%", "e2e.p99.9=12s,ttft.p95=1.2s,itl.p99=120ms,tpot.p90=40ms,errors=0%"})
  void rulesPassCheckAndFireExactlyWhenTheObjectiveBreaks(String objectives) throws Exception {
    Promtool promtool = Promtool.require();
    List<SloAlertRule> rules = SloAlertRules.of(SloTarget.parseList(objectives), "gn7e-c16g1.4xlarge", 0.9);
    Files.writeString(dir.resolve("rules.yaml"), SloAlertRules.ruleFile(rules));
    Promtool.Result check = promtool.run(dir, "check", "rules", "rules.yaml");
    assertEquals(0, check.exit(), check.output());
    assertTrue(check.output().contains("SUCCESS: " + rules.size() + " rules found"), check.output());

    List<Object> tests = new ArrayList<>();
    for (SloTarget slo : SloTarget.parseList(objectives)) {
      for (Case c : cases(slo)) {
        tests.add(testGroup(c, rules));
      }
    }
    Promtool.Result test = runTests(promtool, tests);
    assertEquals(0, test.exit(), "promtool test rules failed for " + objectives + ":\n" + test.output());
    assertTrue(test.output().contains("SUCCESS"), test.output());
  }

  /** The harness can fail: expecting the page on series that hold makes promtool say so. */
  @Test
  void promtoolReportsAnAlertThatDoesNotFire() throws Exception {
    Promtool promtool = Promtool.require();
    SloTarget slo = SloTarget.parse("e2e.p99=15s");
    List<SloAlertRule> rules = SloAlertRules.of(List.of(slo), "t", 1);
    Files.writeString(dir.resolve("rules.yaml"), SloAlertRules.ruleFile(rules));
    Case holds = cases(slo).get(0);
    Case lying = new Case(holds.name(), holds.series(), List.of(rules.get(0).alert()));
    Promtool.Result test = runTests(promtool, List.of(testGroup(lying, rules)));
    assertNotEquals(0, test.exit(), test.output());
    assertTrue(test.output().contains("E2eP99AboveSlo"), test.output());
  }

  @Test
  void limitOnABucketBoundGivesOneExactPageAndBetweenBucketsAPageAndAWarning() {
    List<SloAlertRule> onBound = SloAlertRules.of(SloTarget.parseList("e2e.p99=15s"), "t", 1);
    assertEquals(List.of("E2eP99AboveSlo"), onBound.stream().map(SloAlertRule::alert).toList());
    assertEquals("(sum(rate(vllm:e2e_request_latency_seconds_count[5m])) - sum(rate(vllm:e2e_request_latency_seconds_bucket"
        + "{le=~\"15|15\\\\.0\"}[5m]))) / sum(rate(vllm:e2e_request_latency_seconds_count[5m])) > 0.01", onBound.get(0).expr());
    List<SloAlertRule> between = SloAlertRules.of(SloTarget.parseList("e2e.p99.9=8s"), "t", 1);
    assertEquals(List.of("E2eP999AboveSlo", "E2eP999MaybeAboveSlo"), between.stream().map(SloAlertRule::alert).toList());
    assertTrue(between.get(0).expr().contains("le=~\"10|10\\\\.0\"") && between.get(0).expr().endsWith("> 0.001"), between.get(0).expr());
    assertTrue(between.get(1).expr().contains("le=~\"5|5\\\\.0\""), between.get(1).expr());
    assertEquals(List.of("page", "warning"), between.stream().map(SloAlertRule::severity).toList());
  }

  /** One promtool test group: input series, and for every rule whether it fires. */
  record Case(String name, Map<String, String> series, List<String> firing) {}

  private Promtool.Result runTests(Promtool promtool, List<Object> tests) throws Exception {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("rule_files", List.of("rules.yaml"));
    file.put("evaluation_interval", "1m");
    file.put("tests", tests);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(dir.resolve("tests.yaml"), new Yaml(options).dump(file));
    return promtool.run(dir, "test", "rules", "tests.yaml");
  }

  private static Map<String, Object> testGroup(Case c, List<SloAlertRule> rules) {
    List<Object> input = new ArrayList<>();
    c.series().forEach((series, values) -> input.add(Map.of("series", series, "values", values)));
    List<Object> alerts = new ArrayList<>();
    for (SloAlertRule rule : rules) {
      List<Object> expected = new ArrayList<>();
      if (c.firing().contains(rule.alert())) {
        expected.add(Map.of("exp_labels", Map.of("severity", rule.severity(), "objective", rule.objective()),
            "exp_annotations", Map.of("summary", rule.summary())));
      }
      alerts.add(Map.of("eval_time", "10m", "alertname", rule.alert(), "exp_alerts", expected));
    }
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", c.name());
    group.put("interval", "1m");
    group.put("input_series", input);
    group.put("alert_rule_test", alerts);
    return group;
  }

  private static List<Case> cases(SloTarget slo) {
    return slo.isErrors() ? errorCases(slo) : latencyCases(slo);
  }

  private static List<Case> latencyCases(SloTarget slo) {
    VllmHistogram h = VllmHistogram.forMetric(slo.metric());
    double limit = slo.limit() / 1000;
    double outside = (100 - slo.percentile()) / 100;
    double lo = h.boundAtOrBelow(limit);
    double hi = h.boundAtOrAbove(limit);
    boolean onBound = lo == limit;
    String base = slo.metric().substring(0, 1).toUpperCase() + slo.metric().substring(1) + "P"
        + slo.key().substring(slo.key().indexOf(".p") + 2).replace(".", "");
    String page = base + "AboveSlo";
    String warning = base + "MaybeAboveSlo";
    List<String> warnings = onBound || Double.isNaN(lo) ? List.of() : List.of(warning);
    double inside = Double.isNaN(lo) || onBound ? limit / 2 : Math.min(limit / 2, lo);
    double far = Math.max(3 * limit, Double.isNaN(hi) ? 3 * limit : 1.5 * hi);
    List<String> both = new ArrayList<>(List.of(page));
    both.addAll(warnings);
    return List.of(
        new Case(slo.key() + " holds", histogram(h, Map.of(inside, 1 - outside / 2, far, outside / 2)), List.of()),
        new Case(slo.key() + " at the limit", histogram(h, Map.of(limit, 1.0)), warnings),
        new Case(slo.key() + " just above", histogram(h, Map.of(limit * 1.01, 1.0)), onBound ? List.of(page) : warnings),
        new Case(slo.key() + " broken", histogram(h, Map.of(inside, 1 - 2 * outside, far, 2 * outside)), both));
  }

  private static List<Case> errorCases(SloTarget slo) {
    double bad = Math.max(0.02, 2 * slo.limit());
    return List.of(new Case("errors holds", requests(slo.limit() / 2), List.of()),
        new Case("errors broken", requests(bad), List.of("ErrorShareAboveSlo")));
  }

  /** Cumulative bucket, count and sum series of requests whose latencies take these shares. */
  private static Map<String, String> histogram(VllmHistogram h, Map<Double, Double> shareAtSeconds) {
    Map<String, String> out = new TreeMap<>();
    String labels = "model_name=\"" + SERIES_LABELS.get("model_name") + "\"";
    for (double bound : h.bounds()) {
      long below = 0;
      for (Map.Entry<Double, Double> e : shareAtSeconds.entrySet()) {
        below += e.getKey() <= bound ? Math.round(e.getValue() * PER_MINUTE) : 0;
      }
      // vLLM's Python client writes le as Python's float repr: 5.0, 0.3
      out.put(h.name() + "_bucket{" + labels + ",le=\"" + bound + "\"}", grow(below));
    }
    out.put(h.name() + "_bucket{" + labels + ",le=\"+Inf\"}", grow(PER_MINUTE));
    out.put(h.name() + "_count{" + labels + "}", grow(PER_MINUTE));
    double sum = shareAtSeconds.entrySet().stream().mapToDouble(e -> e.getKey() * Math.round(e.getValue() * PER_MINUTE)).sum();
    out.put(h.name() + "_sum{" + labels + "}", "0+" + sum + "x15");
    return out;
  }

  private static Map<String, String> requests(double errorShare) {
    long errors = Math.round(errorShare * PER_MINUTE);
    String series = "http_requests_total{handler=\"/v1/chat/completions\",method=\"POST\",status=\"%s\"}";
    return Map.of(String.format(series, "2xx"), grow(PER_MINUTE - errors), String.format(series, "5xx"), grow(errors));
  }

  private static String grow(long perMinute) {
    return "0+" + perMinute + "x15";
  }
}
