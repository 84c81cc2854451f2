package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No plan, a partial run, a truncated or absent interval log: the page says what is missing instead of failing. */
class MissingInputTest {
  @TempDir
  Path tmp;

  @Test
  void withoutAPlanThePageSaysWhichSectionsAreMissing() throws Exception {
    Document page = Jsoup.parse(HtmlReport.render(List.of(Fixtures.RUN), null, null, tmp));
    String missing = page.selectFirst("#missing").text();
    assertTrue(missing.contains("No plan given (--plan plan.json)"), missing);
    assertTrue(page.select("#plan, #vram, #container, #tier-table").isEmpty());
    assertNotNull(page.selectFirst("svg[data-chart=latency-e2e]"), "run-only sections still drawn");
    assertTrue(page.select("svg[data-chart=latency-e2e] [data-ref=knee]").isEmpty());
  }

  @Test
  void aPartialRunIsShownWithItsFinishedStepsAndNamesTheUnfinishedOnes() throws Exception {
    Path run = tmp.resolve("partial");
    Fixtures.copyTree(Fixtures.RUN, run);
    // what a killed run leaves: status running, the last step's summary never written; and a finished
    // step's log cut mid-line, which is no longer a torn end but a truncated file: that step is marked corrupt
    String json = Files.readString(run.resolve("run.json"));
    json = json.replace("\"status\" : \"complete\"", "\"status\" : \"running\"").replace("\"endedAt\" : \"2026-11-25T18:01:24.106Z\"",
        "\"endedAt\" : null");
    int last = json.indexOf("{\n    \"index\" : 5,");
    int stepsEnd = json.indexOf("\n  } ],\n  \"notes\"");
    json = json.substring(0, json.lastIndexOf(',', last)) + json.substring(stepsEnd + "\n  }".length());
    Files.writeString(run.resolve("run.json"), json);
    Path e2e = run.resolve("steps/s04-qps1-none/e2e.hlog");
    String log = Files.readString(e2e);
    Files.writeString(e2e, log.substring(0, log.length() - 20));
    Files.delete(run.resolve("steps/s03-qps0.5-vpc-20ms/ttft.hlog"));

    Document page = Jsoup.parse(HtmlReport.render(List.of(run), Fixtures.PLAN, null, tmp));
    String missing = page.selectFirst("#missing").text();
    assertTrue(missing.contains("status is 'running'"), missing);
    assertTrue(missing.contains("5 of 6 planned step(s) shown, not finished: s05-qps1-vpc-20ms"), missing);
    assertTrue(missing.contains("step s03-qps0.5-vpc-20ms: no interval log"), missing);
    assertEquals(5, page.select("table.steps tbody tr").size());
    assertEquals(4, page.select("svg[data-chart=percentiles-quickstart-20261125-180021-ttft] polyline.series").size(),
        "the step without a ttft log has no line");
    assertEquals(4, page.select("svg[data-chart=percentiles-quickstart-20261125-180021-e2e] polyline.series").size(),
        "nothing is plotted from the truncated log of a finished step");
    assertTrue(missing.contains("step s04-qps1-none: CORRUPT: " + e2e + ": line "), missing);
    var row = page.selectFirst("table.steps tr[data-step=s04-qps1-none]");
    assertTrue(row.hasClass("corrupt") && row.selectFirst("strong.corrupt").text().equals("corrupt"), row.outerHtml());
    assertTrue(page.selectFirst("table.run-header").text().contains("not ended"));
  }

  @Test
  void aRunWithNoFinishedStepStillGivesAPage() throws Exception {
    Path run = tmp.resolve("empty");
    Fixtures.copyTree(Fixtures.RUN, run);
    String json = Files.readString(run.resolve("run.json"));
    int start = json.indexOf("\"steps\" : [ {");
    int end = json.indexOf("\n  } ],\n  \"notes\"") + "\n  } ]".length();
    Files.writeString(run.resolve("run.json"), json.substring(0, start) + "\"steps\" : [ ]" + json.substring(end)
        .replace("\"status\" : \"complete\"", "\"status\" : \"running\""));
    Files.writeString(run.resolve("run.json"), Files.readString(run.resolve("run.json")).replace("\"status\" : \"complete\"",
        "\"status\" : \"running\""));
    Document page = Jsoup.parse(HtmlReport.render(List.of(run), null, null, tmp));
    assertTrue(page.selectFirst("#missing").text().contains("0 of 6 planned step(s) shown"));
    assertNotNull(page.selectFirst("p.empty[data-chart=latency-e2e]"), "an empty chart says so");
  }
}
