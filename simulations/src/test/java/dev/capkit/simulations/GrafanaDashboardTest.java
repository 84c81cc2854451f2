package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.run.RunOptions;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.ScenarioEmulatorOptions;
import dev.capkit.loadgen.live.LiveMetrics;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboard ({@code dashboards/capkit-live.json}) is well-formed and queries only
 * series that exist: every {@code capkit_*} name is served by {@link LiveMetrics} (with a histogram's
 * {@code _bucket}/{@code _count}/{@code _sum}) and every {@code vllm:*} name by capkit's emulator's
 * {@code /metrics} (vLLM's names). {@code LiveMetricsPrometheusTest} also evaluates each query
 * against a real Prometheus.
 */
class GrafanaDashboardTest {
  static final Path DASHBOARD = Path.of("../dashboards/capkit-live.json");
  private static final Pattern SERIES = Pattern.compile("\\b(capkit_[a-z0-9_]+|vllm:[a-z0-9_]+)");

  static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /** Every target's PromQL, in panel order. */
  static List<String> expressions() throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard().path("panels")) {
      panel.path("targets").forEach(t -> out.add(t.path("expr").asText()));
    }
    return out;
  }

  @Test
  void wellFormed() throws IOException {
    JsonNode d = dashboard();
    assertEquals("capkit-live", d.path("uid").asText());
    assertTrue(d.path("schemaVersion").asInt() >= 30, "a current Grafana schema");
    assertTrue(d.path("templating").path("list").findValuesAsText("name").contains("datasource"), "the ${datasource} variable is defined");
    Set<Integer> ids = new HashSet<>();
    int queries = 0;
    for (JsonNode p : d.path("panels")) {
      assertTrue(ids.add(p.path("id").asInt()), "unique panel id " + p.path("id"));
      assertFalse(p.path("title").asText().isBlank(), "panel title");
      for (String k : List.of("h", "w", "x", "y")) {
        assertTrue(p.path("gridPos").path(k).isInt(), p.path("title") + ": gridPos." + k);
      }
      assertTrue(p.path("gridPos").path("x").asInt() + p.path("gridPos").path("w").asInt() <= 24, p.path("title") + " fits 24 columns");
      if (p.path("type").asText().equals("row")) {
        continue;
      }
      assertEquals("${datasource}", p.path("datasource").path("uid").asText(), p.path("title").asText());
      Set<String> refs = new HashSet<>();
      for (JsonNode t : p.path("targets")) {
        assertTrue(refs.add(t.path("refId").asText()), p.path("title") + ": unique refId");
        assertFalse(t.path("expr").asText().isBlank(), p.path("title") + ": expr");
        assertEquals(count(t.path("expr").asText(), '('), count(t.path("expr").asText(), ')'), "balanced: " + t.path("expr"));
        queries++;
      }
      assertTrue(p.path("targets").size() > 0, p.path("title") + " has queries");
    }
    assertTrue(queries >= 10, "queries: " + queries);
  }

  @Test
  void queriesOnlySeriesThatCapkitOrTheServerExport() throws Exception {
    Set<String> named = new TreeSet<>();
    for (String expr : expressions()) {
      Matcher m = SERIES.matcher(expr);
      while (m.find()) {
        named.add(m.group(1));
      }
    }
    Set<String> served = new HashSet<>(names(liveExposition()));
    Scenario scenario = ScenarioLoader.load(ScenarioLoader.resolve("quickstart", Path.of("../scenarios")), Map.of("profile", "instant"));
    try (EmbeddedEmulator emulator = EmbeddedEmulator.start(ScenarioEmulatorOptions.options(scenario, RunOptions.parse(new Properties(), Map.of())))) {
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(emulator.baseUri().resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      served.addAll(names(metrics));
    }
    List<String> missing = named.stream().filter(n -> !served.contains(n)).toList();
    assertTrue(missing.isEmpty(), "the dashboard queries series nobody serves: " + missing);
    assertTrue(named.stream().anyMatch(n -> n.startsWith("capkit_")) && named.stream().anyMatch(n -> n.startsWith("vllm:")), named.toString());
  }

  /** A LiveMetrics exposition with every family present (one ok streamed request). */
  private static String liveExposition() {
    var steps = List.of(new dev.capkit.core.scenario.StepPlan(0, "s00", 1, "qps", "none", java.time.Duration.ZERO, java.time.Duration.ofSeconds(5)));
    LiveMetrics live = new LiveMetrics(steps, System::nanoTime);
    live.planned(0);
    live.sent(0);
    live.ended(0, new RequestRecord("r", "", "chat", 0, 1000, 40_000_000, 400_000_000, new long[] {100_000_000}, 10, 3, Outcome.OK, 200, ""));
    return live.exposition();
  }

  /** Series names in Prometheus text format (sample lines, labels cut off). */
  private static Set<String> names(String exposition) {
    Set<String> out = new HashSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(line.split("[{ ]", 2)[0]);
      }
    }
    return out;
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }
}
