package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RunLayout;
import dev.capkit.core.search.SearchLog;
import dev.capkit.core.search.SearchLogWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A capacity search's run: the page draws its probe sequence and bracket narrowing from search.json. */
class SearchSectionTest {
  @TempDir
  Path dir;

  static SearchLog log() {
    var settings = new SearchLog.Settings(0.5, 2, 0.05, 0.95, 3600, 10, 150, 3);
    List<SearchLog.Probe> probes = List.of(
        probe(0, "scout", 0.5, 0, 300, false, "undecided", "scout: under", Double.NaN, Double.NaN, 0.5, Double.NaN),
        probe(1, "scout", 1.0, 310, 42, true, "broken", "scout: over", Double.NaN, Double.NaN, 0.5, 1.0),
        probe(2, "scout", 0.707, 362, 212, false, "undecided", "scout: under", Double.NaN, Double.NaN, 0.707, 1.0),
        probe(3, "verdict-low", 0.707, 584, 1474, false, "holds", "", 0.707, Double.NaN, 0.707, 1.0),
        probe(4, "verdict-high", 1.0, 2068, 95, true, "broken", "ttft.p99 broken: 12 of 1042 over its limit", 0.707, 1.0, 0.707, 1.0));
    return new SearchLog("qps", "emulated", settings, Map.of("ttft.p99", 0.01), probes,
        new SearchLog.Answer(0.707, 1.0, (1 - 0.707) / 1.707, 0.05, 0.95, 2173, false,
            "interval confirmed at the precision the verdicts allowed"));
  }

  private static SearchLog.Probe probe(int i, String phase, double rate, double start, double window, boolean early, String verdict,
      String reason, double low, double high, double under, double over) {
    return new SearchLog.Probe(i, "p0" + i + "-qps" + rate + "-" + phase, phase, 1, rate, start, 10, window, window,
        Math.round(rate * window), Map.of("ttft.p99", early ? 12L : 0L), start + window + 10, early, verdict,
        reason.isEmpty() ? List.of() : List.of(reason), low, high, under, over);
  }

  @Test
  void probeSequenceAndBracketAreDrawnFromSearchJson() throws Exception {
    Path run = dir.resolve("run");
    Fixtures.copyTree(Fixtures.RUN, run);
    SearchLogWriter.write(RunLayout.of(run).searchLog(), log());
    Document page = Jsoup.parse(HtmlReport.render(List.of(run), null, null, dir.resolve("out")));
    Element section = page.selectFirst("section#search");
    assertNotNull(section, "a search run gets its section");
    assertNotNull(page.selectFirst("nav a[href=#search]"));
    assertTrue(section.selectFirst("p.search-answer").text().startsWith("Sustainable 0.8408 req/s per replica, interval [0.707, 1] (±17.16%; asked ±5%, 95% confidence"),
        section.selectFirst("p.search-answer").text());
    Element sequence = section.selectFirst("svg[data-chart=search-probes]");
    for (int i = 0; i < 5; i++) {
      Element bar = sequence.selectFirst("rect[data-series=probe-" + i + "]");
      assertNotNull(bar, "probe " + i + " drawn");
    }
    assertEquals(SearchSection.BROKEN, sequence.selectFirst("rect[data-series=probe-4]").attr("fill"), "a broken verdict in red");
    assertEquals(SearchSection.HOLDS, sequence.selectFirst("rect[data-series=probe-3]").attr("fill"));
    assertEquals(SearchSection.OVER, sequence.selectFirst("rect[data-series=probe-1]").attr("fill"), "a scout over");
    assertTrue(sequence.selectFirst("rect[data-series=probe-1]").text().contains("stopped early"));
    Element bracket = section.selectFirst("svg[data-chart=search-bracket]");
    assertEquals("5", bracket.selectFirst("polyline[data-series=search/under]").attr("data-points"));
    assertEquals("4", bracket.selectFirst("polyline[data-series=search/over]").attr("data-points"), "no over before probe 1");
    assertEquals("1", bracket.selectFirst("polyline[data-series=search/high]").attr("data-points"));
    assertEquals(5, section.select("table.search-probes tbody tr").size());
    assertEquals("1", section.selectFirst("tr[data-probe=4] td[data-field=probes[4].rate]").attr("data-value"));
  }

  @Test
  void anAgentsSearchShowsEachProbesTasks() throws Exception {
    Path run = dir.resolve("agents");
    Fixtures.copyTree(Fixtures.RUN, run);
    SearchLog open = log();
    List<SearchLog.Probe> probes = open.probes().stream().map(p -> new SearchLog.Probe(p.index(), p.stepId(), p.phase(), p.look(),
        p.rate(), p.startSeconds(), p.warmupSeconds(), p.plannedSeconds(), p.windowSeconds(), p.requests(), p.violations(),
        p.gpuSeconds(), p.stoppedEarly(), p.verdict(), p.reasons(), p.low(), p.high(), p.under(), p.over(),
        p.index() == 3 ? new SearchLog.Tasks(52, 1474, 48.5, 61.25, 0.9615, 127) : null)).toList();
    SearchLogWriter.write(RunLayout.of(run).searchLog(), new SearchLog("agents", "emulated", open.settings(), open.objectives(), probes,
        open.answer(), new SearchLog.Agents(10, 1, List.of("task.p95 < 90s"))));
    Element section = Jsoup.parse(HtmlReport.render(List.of(run), null, null, dir.resolve("out"))).selectFirst("section#search");
    assertTrue(section.selectFirst("table.search-probes thead").text().contains("tasks with every step met"));
    assertEquals("61.25", section.selectFirst("tr[data-probe=3] td[data-field=probes[3].tasks.p95Seconds]").attr("data-value"));
    assertEquals("52", section.selectFirst("tr[data-probe=3] td[data-field=probes[3].tasks.finished]").attr("data-value"));
    assertTrue(section.selectFirst("p.search-answer").text().contains("agents"), section.selectFirst("p.search-answer").text());
  }

  @Test
  void aLadderRunHasNoSearchSectionAndADamagedLogIsNamed() throws Exception {
    Document ladder = Jsoup.parse(HtmlReport.render(List.of(Fixtures.RUN), null, null, dir.resolve("out")));
    assertNull(ladder.selectFirst("section#search"));
    Path run = dir.resolve("damaged");
    Fixtures.copyTree(Fixtures.RUN, run);
    Files.writeString(RunLayout.of(run).searchLog(), "{\"capkitSearch\": 1}");
    Document page = Jsoup.parse(HtmlReport.render(List.of(run), null, null, dir.resolve("out")));
    assertNull(page.selectFirst("section#search"));
    assertTrue(page.selectFirst("section#missing").text().contains("search.json unreadable"), page.selectFirst("section#missing").text());
  }
}
