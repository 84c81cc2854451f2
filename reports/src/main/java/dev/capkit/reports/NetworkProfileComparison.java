package dev.capkit.reports;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.StepSummary;
import dev.capkit.reports.chart.Palette;
import dev.capkit.reports.chart.Series;
import dev.capkit.reports.chart.XyChart;
import java.util.Comparator;
import java.util.List;

/**
 * When a run's steps differ by network profile (e.g. none vs vpc-20ms): the same offered loads side
 * by side, as a table and as E2E/TTFT p99 curves per profile. A profile that was recorded but not
 * applied (networkApplied false in run.json) is flagged: its steps went direct, so they compare
 * nothing about the network.
 */
final class NetworkProfileComparison {
  private NetworkProfileComparison() {}

  static boolean applies(RunData r) {
    return r.networks().size() > 1;
  }

  static String html(RunData r) {
    String unit = r.loadUnit();
    StringBuilder b = new StringBuilder();
    boolean anyNotApplied = r.steps().stream().anyMatch(s -> !s.networkApplied());
    if (anyNotApplied) {
      b.append("<p class=\"warn\">Some profiles were recorded but not applied (networkApplied false in run.json): those steps went"
          + " direct, so differences below are noise between steps, not the network.</p>");
    }
    b.append("<table class=\"network\" data-run=\"").append(Html.esc(r.id())).append("\"><caption>Network profiles in ")
        .append(Html.esc(r.id())).append(" (run.json)</caption><thead><tr>");
    for (String h : List.of("offered (" + unit + ")", "network", "applied", "sent (requests)", "error rate (%)", "achieved (req/s)",
        "E2E p50 (ms)", "E2E p99 (ms)", "TTFT p50 (ms)", "TTFT p99 (ms)")) {
      b.append(Html.th(h));
    }
    b.append("</tr></thead><tbody>");
    List<StepSummary> sorted = r.steps().stream()
        .sorted(Comparator.comparingDouble(StepSummary::offered).thenComparingInt(s -> r.networks().indexOf(s.network()))).toList();
    for (StepSummary s : sorted) {
      b.append("<tr data-step=\"").append(Html.esc(s.id())).append("\">").append(Html.num(s.offered())).append(Html.td(s.network()))
          .append(Html.td(s.networkApplied() ? "yes" : "no")).append(Html.num(s.sent()))
          .append("<td class=\"n\" data-value=\"").append(Figures.raw(s.errorRate())).append("\">").append(Figures.percent(s.errorRate())).append("</td>")
          .append(Html.num(s.achievedQps())).append(Html.num(s.metric(Metric.E2E).p50())).append(Html.num(s.metric(Metric.E2E).p99()))
          .append(Html.num(s.metric(Metric.TTFT).p50())).append(Html.num(s.metric(Metric.TTFT).p99())).append("</tr>");
    }
    b.append("</tbody></table>");
    XyChart chart = new XyChart("network-" + r.id(), "offered load (" + unit + ")", "p99 latency (ms)");
    int i = 0;
    for (String n : r.networks()) {
      List<StepSummary> steps = r.steps().stream().filter(s -> n.equals(s.network()))
          .sorted(Comparator.comparingDouble(StepSummary::offered)).toList();
      String color = Palette.color(i++);
      boolean applied = steps.stream().allMatch(StepSummary::networkApplied);
      String label = "network " + n + (applied ? "" : " (not applied)");
      chart.add(new Series(r.id() + "/" + n + "/e2e.p99", label + " E2E p99", color, null,
          steps.stream().map(s -> new Series.Point(s.offered(), s.metric(Metric.E2E).p99())).toList(), true));
      chart.add(new Series(r.id() + "/" + n + "/ttft.p99", label + " TTFT p99", color, "6 3",
          steps.stream().map(s -> new Series.Point(s.offered(), s.metric(Metric.TTFT).p99())).toList(), true));
    }
    b.append("<figure>").append(chart.render()).append("<figcaption>E2E p99 (solid) and TTFT p99 (dashed) per network profile")
        .append(" against offered load (run.json).</figcaption></figure>");
    return b.toString();
  }
}
