package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The full page for the fixture run, plan and baseline, parsed with jsoup. */
class ReportPageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Document page;
  private static JsonNode plan;
  private static JsonNode run;

  @BeforeAll
  static void render() throws Exception {
    page = Jsoup.parse(Fixtures.fullPage());
    plan = JSON.readTree(Files.readAllBytes(Fixtures.PLAN));
    run = JSON.readTree(Files.readAllBytes(Fixtures.RUN.resolve("run.json")));
  }

  @Test
  void verdictComesFirstThenTheSectionsInOrder() {
    List<String> ids = page.select("body > section").eachAttr("id");
    assertEquals(List.of("verdict-section", "missing", "plan", "latency", "throughput", "network", "baseline",
        "run-quickstart-20261125-180021", "vram", "container"), ids);
    Element banner = page.selectFirst("#verdict");
    assertNotNull(banner);
    assertTrue(banner.hasClass("broken"), "the fixture breaks the errors objective on 3 steps");
    Element errors = page.selectFirst("table.verdicts tr[data-slo=errors]");
    assertEquals("3 of 6", errors.child(2).text());
    assertEquals("BROKEN", errors.child(3).text());
    assertTrue(errors.child(4).text().startsWith("s00-qps0.25-none (offered 0.25 req/s): 40%"), errors.child(4).text());
  }

  @Test
  void theRunsBasisIsSaidBeforeAnyFigure() {
    Element basis = page.selectFirst("header #basis");
    assertNotNull(basis);
    assertEquals("emulated", basis.attr("data-basis"), "the fixture run was answered by the embedded emulator");
    assertTrue(basis.text().contains("No figure on this page is measured on a real server"), basis.text());
    Element row = page.select("table.run-header tr").stream().filter(r -> r.child(0).text().equals("basis")).findFirst().orElseThrow();
    assertTrue(row.child(1).text().startsWith("emulated: capkit's emulator answered"), row.text());
  }

  @Test
  void everyNumberInThePlanTablesEqualsPlanJson() {
    Elements cells = page.select("#plan td[data-field], #container td[data-field]");
    assertTrue(cells.size() >= 3 * 10 + 2 + 7, "tier, input and pod cells: " + cells.size());
    for (Element td : cells) {
      Field v = at(plan, td.attr("data-field"));
      double expected = PlanDocument.number(v.parent, v.field);
      double shown = Double.parseDouble(td.attr("data-value"));
      assertEquals(expected, shown, 0.0, td.attr("data-field"));
      if (!td.text().equals("—") && !(td.text().equals("n/a") && expected < 0)) {
        assertEquals(Figures.format(expected), td.text(), td.attr("data-field"));
      }
    }
    Element recommended = page.selectFirst("#tier-table tr.recommended");
    assertEquals("gn7i-c8g1.2xlarge", recommended.attr("data-tier"));
    assertEquals("0.8125", recommended.selectFirst("td[data-field=tiers[0].sustainable.qpsPerReplica]").text());
    assertEquals("+inf", page.selectFirst("td[data-field=tiers[1].sustainable.ciHigh]").text());
    assertTrue(page.select("#tier-table th").eachText().contains("cost (CNY/h)"), "currency from plan.json in the column unit");
  }

  @Test
  void everyNumberInTheStepTableEqualsRunJson() {
    Elements cells = page.select("table.steps td[data-field]");
    assertEquals(6 * 14, cells.size());
    for (Element td : cells) {
      Field v = at(run, td.attr("data-field"));
      assertEquals(v.parent.get(v.field).asDouble(), Double.parseDouble(td.attr("data-value")), 0.0, td.attr("data-field"));
    }
  }

  @Test
  void latencyChartsDrawP50AndP99PerNetworkWithSloKneeAndSustainableMarks() {
    Element e2e = page.selectFirst("svg[data-chart=latency-e2e]");
    Elements lines = e2e.select("polyline.series");
    // 2 network profiles x (p50, p99 CO-corrected, p99 uncorrected) + the baseline's p99 on its one profile
    assertEquals(7, lines.size(), lines.eachAttr("data-series").toString());
    Element p99none = e2e.selectFirst("polyline[data-series=quickstart-20261125-180021/none/e2e.p99]");
    assertTrue(page.text().contains("E2E is plotted from each request's intended send time"), "says what is plotted");
    assertEquals(2, e2e.select("polyline[data-series$=e2e.p99-uncorrected]").size(), "the uncorrected p99 stays available");
    assertEquals("3", p99none.attr("data-points"));
    assertEquals(3, p99none.attr("points").split(" ").length);
    assertEquals(1, e2e.select("line[data-ref=slo]").size());
    assertEquals(1, e2e.select("line[data-ref=knee]").size(), "the knee is on e2e.p99 in plan.json");
    assertEquals(1, e2e.select("line[data-ref=sustainable]").size());
    assertEquals(1, e2e.select("rect[data-ref=sustainable-ci]").size());
    Element ttft = page.selectFirst("svg[data-chart=latency-ttft]");
    assertEquals(0, ttft.select("line[data-ref=knee]").size(), "no knee on a metric the plan did not find it on");
    assertEquals(1, ttft.select("line[data-ref=slo]").size());
  }

  @Test
  void throughputPercentileErrorAndVramChartsHaveTheirSeries() {
    Element qps = page.selectFirst("svg[data-chart=achieved-qps]");
    assertEquals(2 * 2 + 1, qps.select("polyline.series").size(), "achieved + goodput per profile, and achieved = offered");
    assertEquals(2, page.select("svg[data-chart=output-tokens] polyline.series").size());
    for (String metric : List.of("e2e", "ttft", "tpot", "itl")) {
      Element plot = page.selectFirst("svg[data-chart=percentiles-quickstart-20261125-180021-" + metric + "]");
      assertNotNull(plot, metric);
      assertEquals(6, plot.select("polyline.series").size(), metric + ": one line per step");
      for (Element l : plot.select("polyline.series")) {
        assertTrue(Integer.parseInt(l.attr("data-points")) >= 2, l.attr("data-series"));
      }
    }
    Element errors = page.selectFirst("svg[data-chart=errors-quickstart-20261125-180021]");
    assertEquals(List.of("s00-qps0.25-none/broken_stream", "s01-qps0.25-vpc-20ms/broken_stream", "s04-qps1-none/broken_stream"),
        errors.select("rect.bar").eachAttr("data-series"));
    assertEquals(1, errors.select("polyline.series").size());
    Elements bars = page.select("svg[data-chart=vram] g.vram-bar");
    assertEquals(3, bars.size());
    Element weights = bars.get(0).selectFirst("rect[data-segment=weightsGib]");
    assertEquals(plan.at("/tiers/0/vram/weightsGib").asDouble(), Double.parseDouble(weights.attr("data-value")), 0.0);
  }

  @Test
  void everyChartAxisCarriesAUnit() {
    Pattern unit = Pattern.compile(".*\\([^)]+\\)$");
    Elements titles = page.select("svg.chart text.axis-title");
    assertTrue(titles.size() > 20);
    for (Element t : titles) {
      assertTrue(unit.matcher(t.text()).matches(), "axis title without a unit: " + t.text());
    }
    for (Element th : page.select("table.steps th, table.tiers th, table.network th, table.baseline th")) {
      String h = th.text();
      boolean textColumn = List.of("step", "network", "applied", "rank", "tier", "GPU", "dtype", "basis", "fits", "why not ranked",
          "objectives", "baseline step").contains(h);
      assertTrue(textColumn || unit.matcher(h).matches(), "column without a unit: " + h);
    }
  }

  @Test
  void thePageReferencesNothingExternal() {
    assertTrue(page.select("script, link, img, iframe, object, embed, source, video, audio").isEmpty());
    assertTrue(page.select("[src]").isEmpty());
    for (Element a : page.select("[href]")) {
      String href = a.attr("href");
      assertFalse(href.matches("(?i)^[a-z][a-z0-9+.-]*:.*"), "only in-page anchors and relative file links: " + href);
    }
    Element gatling = page.selectFirst("a.gatling");
    assertEquals("../../src/test/resources/fixture/gatling/capkitsimulation-20261125180023602/index.html", gatling.attr("href"));
    String html = page.outerHtml().toLowerCase(java.util.Locale.ROOT);
    assertFalse(html.contains("@import"));
    assertFalse(html.contains("url("));
    for (Element e : page.getAllElements()) {
      e.attributes().forEach(a -> assertFalse(a.getValue().toLowerCase(java.util.Locale.ROOT).matches("(?s).*https?:.*"),
          "attribute with a URL: " + a));
    }
  }

  @Test
  void baselineTableMatchesStepsByOfferedLoadAndNetwork() {
    Element table = page.selectFirst("table.baseline");
    Element row = table.selectFirst("tr[data-step=s02-qps0.5-none]");
    assertEquals("s00-qps0.5-none", row.child(1).text());
    assertTrue(table.selectFirst("tr[data-step=s00-qps0.25-none]").text().contains("no baseline step"));
  }

  /** A dotted path with [i] indexes, e.g. {@code tiers[0].sustainable.ciLow}: the parent node and the last field. */
  static Field at(JsonNode root, String path) {
    JsonNode node = root;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      node = step(node, parts[i]);
    }
    String last = parts[parts.length - 1];
    if (last.contains("[")) {
      return new Field(step(node, last.substring(0, last.indexOf('['))), last);
    }
    return new Field(node, last);
  }

  record Field(JsonNode parent, String field) {}

  private static JsonNode step(JsonNode node, String part) {
    int b = part.indexOf('[');
    if (b < 0) {
      return node.path(part);
    }
    return node.path(part.substring(0, b)).path(Integer.parseInt(part.substring(b + 1, part.length() - 1)));
  }

}
