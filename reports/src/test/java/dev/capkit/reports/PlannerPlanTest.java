package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Plan files the planner itself wrote (its golden files, format v1, v2 and v3 with an agents row): read
 * as is, every tier-table and agents-table number equal to the file, and the plan's basis said above the table.
 */
class PlannerPlanTest {
  private static final Path PLAN = Path.of("src/test/resources/fixture/plan-from-planner/plan.json");
  private static final Path PLAN_V2 = Path.of("src/test/resources/fixture/plan-from-planner-v2/plan.json");
  /** The planner's golden plan-v3-agents.json (SearchPlanTest): a row planned from an agents search. */
  private static final Path PLAN_V3_AGENTS = Path.of("src/test/resources/fixture/plan-from-planner-v3-agents/plan.json");

  @Test
  void theTierTableShowsThePlannersNumbers() throws Exception {
    check(PLAN);
    check(PLAN_V2);
    check(PLAN_V3_AGENTS);
  }

  @Test
  void agentsPerReplicaAreShownWithTasksCostAndBasis() throws Exception {
    assertEquals(Files.readString(Path.of("../planner/src/test/resources/golden/plan-v3-agents.json")), Files.readString(PLAN_V3_AGENTS),
        "the fixture is the planner's golden file: copy it again when that changes");
    Document page = Jsoup.parse(HtmlReport.render(List.of(Fixtures.RUN), PLAN_V3_AGENTS, null, Fixtures.OUT_DIR));
    assertEquals(1, page.select("#agents-table tbody tr").size());
    assertEquals("4", page.selectFirst("#agents-table td[data-field=tiers[0].agents.agentsPerReplica]").attr("data-value"));
    assertEquals("660", page.selectFirst("#agents-table td[data-field=tiers[0].agents.tasksPerHour]").attr("data-value"));
    assertTrue(page.selectFirst("#agents-table tbody tr").text().contains("emulated"), page.selectFirst("#agents-table").text());
    assertTrue(page.select("#plan ul.note").text().contains("task.p95 < 90s"), page.select("#plan ul.note").text());
    Document v2 = Jsoup.parse(HtmlReport.render(List.of(Fixtures.RUN), PLAN_V2, null, Fixtures.OUT_DIR));
    assertEquals(null, v2.selectFirst("#agents-table"), "a plan in req/s only has no agents table");
  }

  @Test
  void thePlansBasisOpensTheTierSection() throws Exception {
    Document v2 = Jsoup.parse(HtmlReport.render(List.of(Fixtures.RUN), PLAN_V2, null, Fixtures.OUT_DIR));
    assertEquals("measured", v2.selectFirst("#plan-basis").attr("data-basis"));
    assertTrue(v2.selectFirst("#plan-basis").text().startsWith("Measured plan:"), v2.selectFirst("#plan-basis").text());
    assertTrue(v2.selectFirst("#container caption").text().contains("CPU and memory measured"));
    Document v1 = Jsoup.parse(HtmlReport.render(List.of(Fixtures.RUN), PLAN, null, Fixtures.OUT_DIR));
    assertTrue(v1.selectFirst("#plan-basis").text().startsWith("Plan format v1: the plan's basis is not recorded"));
    assertTrue(v1.selectFirst("#container caption").text().contains("measured or modelled, not recorded"),
        v1.selectFirst("#container caption").text());
  }

  private static void check(Path file) throws Exception {
    JsonNode plan = new ObjectMapper().readTree(Files.readAllBytes(file));
    Document page = Jsoup.parse(HtmlReport.render(List.of(Fixtures.RUN), file, null, Fixtures.OUT_DIR));
    assertEquals(plan.path("tiers").size(), page.select("#tier-table tbody tr").size());
    int cells = 0;
    for (Element td : page.select("#plan td[data-field], #container td[data-field]")) {
      ReportPageTest.Field f = ReportPageTest.at(plan, td.attr("data-field"));
      assertEquals(PlanDocument.number(f.parent(), f.field()), Double.parseDouble(td.attr("data-value")), 0.0, td.attr("data-field"));
      cells++;
    }
    assertTrue(cells >= plan.path("tiers").size() * 12, "cells checked: " + cells);
    assertEquals(plan.path("recommendation").asText(), page.selectFirst("#recommendation").text());
  }
}
