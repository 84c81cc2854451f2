package dev.capkit.reports;

import dev.capkit.core.results.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Lays out the page, verdict first: verdicts, what is missing, the plan's recommendation and tier
 * table, latency and throughput against load, network profiles, baseline, then per-run detail
 * (header, steps, percentile distributions, errors), VRAM, container and YAML. The output depends
 * only on its inputs (no generation time, stable order), so a fixed input gives a fixed page.
 */
final class ReportPage {
  static final List<Metric> DISTRIBUTIONS = List.of(Metric.E2E, Metric.TTFT, Metric.TPOT, Metric.ITL);

  private ReportPage() {}

  static String render(List<RunData> runs, PlanDocument plan, RunData baseline, Path outDir, List<String> inputProblems) {
    StringBuilder b = new StringBuilder(64 * 1024);
    Set<String> scenarios = new LinkedHashSet<>();
    Set<String> tiers = new LinkedHashSet<>();
    runs.forEach(r -> {
      scenarios.add(r.scenario());
      tiers.add(r.tier());
    });
    String title = "capkit capacity review: " + String.join(", ", scenarios) + " on " + String.join(", ", tiers);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,"
        + " initial-scale=1\"><title>").append(Html.esc(title)).append("</title><style>").append(Stylesheet.CSS).append("</style></head><body>\n");
    b.append("<header><h1>").append(Html.esc(title)).append("</h1><p class=\"sources\">Sources: ");
    List<String> sources = new ArrayList<>();
    runs.forEach(r -> sources.add(r.folder().resolve("run.json").toString()));
    if (plan != null) {
      sources.add(plan.file().toString());
    }
    if (baseline != null) {
      sources.add("baseline " + baseline.folder().resolve("run.json"));
    }
    b.append(Html.esc(String.join(" · ", sources))).append(". Every figure on this page is read from these files.</p>");
    b.append(basisBanner(runs));
    b.append(nav(runs, plan, baseline)).append("</header>\n");

    section(b, "verdict-section", "Verdict", VerdictSummary.html(runs)
        + (plan == null ? "" : "<p class=\"recommendation\">Plan: " + Html.esc(PlanDocument.text(plan.root(), "recommendation", "none")) + "</p>"));
    List<String> missing = new ArrayList<>(inputProblems);
    runs.forEach(r -> missing.addAll(r.missing()));
    StringBuilder searches = new StringBuilder(); // a capacity search's probes (search.json), drawn after throughput
    for (RunData r : runs) {
      SearchSection.read(r, missing).ifPresent(log -> searches.append(SearchSection.html(r, log)));
    }
    if (baseline != null) {
      missing.addAll(baseline.missing());
    }
    for (RunData r : runs) {
      if (r.run().manifest().notes() != null) {
        r.run().manifest().notes().forEach(n -> missing.add("run " + r.id() + " note (run.json notes): " + n));
      }
    }
    if (plan == null) {
      missing.add(0, "No plan given (--plan plan.json): the tier table, replicas and cost, knee and sustainable rate, VRAM budget,"
          + " container requests/limits and Kubernetes YAML are not shown. Run the planner on these run folders to get one.");
    }
    if (!missing.isEmpty()) {
      StringBuilder m = new StringBuilder("<ul class=\"missing\">");
      missing.forEach(x -> m.append("<li>").append(Html.esc(x)).append("</li>"));
      section(b, "missing", "What is missing, and warnings", m.append("</ul>").toString());
    }
    if (plan != null) {
      section(b, "plan", "Recommended tier, replicas and cost", TierTable.html(plan) + AgentsTable.html(plan));
    }
    section(b, "latency", "Latency against offered load",
        LatencyCurveChart.html(runs, Metric.E2E, plan, baseline) + LatencyCurveChart.html(runs, Metric.TTFT, plan, baseline));
    section(b, "throughput", "Achieved against offered load", ThroughputChart.html(runs));
    if (searches.length() > 0) {
      section(b, "search", "Capacity search", searches.toString());
    }
    StringBuilder net = new StringBuilder();
    for (RunData r : runs) {
      if (NetworkProfileComparison.applies(r)) {
        net.append(NetworkProfileComparison.html(r));
      }
    }
    if (net.length() > 0) {
      section(b, "network", "Network profiles", net.toString());
    }
    if (baseline != null) {
      section(b, "baseline", "Against the baseline run", BaselineComparison.html(runs, baseline));
    }
    for (RunData r : runs) {
      StringBuilder d = new StringBuilder();
      d.append(RunHeader.html(r, outDir)).append(StepTable.html(r)).append("<h3>Percentile distributions</h3>");
      if (r.steps().isEmpty()) {
        d.append("<p class=\"empty\">No finished step: nothing to plot.</p>");
      } else {
        d.append("<div class=\"pair\">");
        for (Metric m : DISTRIBUTIONS) {
          d.append(PercentilePlot.html(r, m));
        }
        d.append("</div>");
      }
      d.append("<h3>Errors over time</h3>").append(ErrorTimeline.html(r));
      d.append("<h3>Server gauges and GPU per step</h3>").append(ServerGaugesTable.html(r));
      section(b, "run-" + r.id(), "Run " + r.id(), d.toString());
    }
    if (plan != null) {
      section(b, "vram", "VRAM budget per tier", VramBudgetChart.html(plan));
      section(b, "container", "Container requests, limits and Kubernetes YAML", ContainerResources.html(plan));
    }
    b.append("<footer>Generated by capkit reports from the sources listed at the top; charts are inline SVG drawn by capkit.</footer>");
    b.append("</body></html>\n");
    return b.toString();
  }

  /** Says up front whether the run figures are measured (a real server) or emulated (capkit's emulator). */
  static String basisBanner(List<RunData> runs) {
    long emulated = runs.stream().filter(r -> r.run().manifest().target() != null && r.run().manifest().target().emulated()).count();
    String text;
    String key;
    if (runs.isEmpty()) {
      return "";
    } else if (emulated == runs.size()) {
      key = "emulated";
      text = "EMULATED: every run on this page was answered by capkit's emulator (physics profile: timing from the twin's model,"
          + " served over HTTP). No figure on this page is measured on a real server.";
    } else if (emulated == 0) {
      key = "measured";
      text = "Measured: every run on this page was answered by a real server (run.json target.basis).";
    } else {
      key = "mixed";
      text = "MIXED: " + emulated + " of " + runs.size() + " runs were answered by capkit's emulator (emulated, a model), the others"
          + " by a real server (measured); each run's header says which.";
    }
    return "<p class=\"basis " + key + "\" id=\"basis\" data-basis=\"" + key + "\"><b>" + Html.esc(text) + "</b></p>";
  }

  private static String nav(List<RunData> runs, PlanDocument plan, RunData baseline) {
    StringBuilder n = new StringBuilder("<nav><a href=\"#verdict-section\">Verdict</a>");
    if (plan != null) {
      n.append("<a href=\"#plan\">Tiers</a>");
    }
    n.append("<a href=\"#latency\">Latency</a><a href=\"#throughput\">Throughput</a>");
    if (runs.stream().anyMatch(r -> java.nio.file.Files.exists(dev.capkit.core.results.RunLayout.of(r.folder()).searchLog()))) {
      n.append("<a href=\"#search\">Search</a>");
    }
    if (runs.stream().anyMatch(NetworkProfileComparison::applies)) {
      n.append("<a href=\"#network\">Network</a>");
    }
    if (baseline != null) {
      n.append("<a href=\"#baseline\">Baseline</a>");
    }
    for (RunData r : runs) {
      n.append("<a href=\"#run-").append(Html.esc(r.id())).append("\">").append(Html.esc(r.id())).append("</a>");
    }
    if (plan != null) {
      n.append("<a href=\"#vram\">VRAM</a><a href=\"#container\">Container</a>");
    }
    return n.append("</nav>").toString();
  }

  private static void section(StringBuilder b, String id, String title, String body) {
    b.append("<section id=\"").append(Html.esc(id)).append("\"><h2>").append(Html.esc(title)).append("</h2>").append(body).append("</section>\n");
  }
}
