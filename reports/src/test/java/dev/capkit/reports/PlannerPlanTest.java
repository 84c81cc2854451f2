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

/** A plan.json the planner itself wrote (its golden file): read as is, every tier-table number equal to the file. */
class PlannerPlanTest {
  private static final Path PLAN = Path.of("src/test/resources/fixture/plan-from-planner/plan.json");

  @Test
  void theTierTableShowsThePlannersNumbers() throws Exception {
    JsonNode plan = new ObjectMapper().readTree(Files.readAllBytes(PLAN));
    Document page = Jsoup.parse(HtmlReport.render(List.of(Fixtures.RUN), PLAN, null, Fixtures.OUT_DIR));
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
