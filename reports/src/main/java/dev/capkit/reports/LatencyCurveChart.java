package dev.capkit.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capkit.core.results.Metric;
import dev.capkit.reports.chart.Palette;
import dev.capkit.reports.chart.Series;
import dev.capkit.reports.chart.XyChart;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Latency (p50 dashed, p99 solid) against offered load, one colour per run and network profile,
 * with the objectives on that metric as horizontal lines (limits from run.json) and, when a plan is
 * given, each measured tier's knee (on the knee's own metric) and sustainable rate with its 95%
 * interval as a shaded band (plan.json). A baseline run is drawn in grey. The lines are the figures
 * the objectives judge ({@link Metric#judging}): in open loop E2E and TTFT from the intended send
 * time (coordinated-omission corrected), so a lagging load generator does not hide latency next to a
 * "broken" verdict; the uncorrected p99 (from the actual send time) stays beside it, dotted.
 */
final class LatencyCurveChart {
  private LatencyCurveChart() {}

  static String html(List<RunData> runs, Metric metric, PlanDocument plan, RunData baseline) {
    String name = metric.key().toUpperCase(java.util.Locale.ROOT);
    String unit = runs.isEmpty() ? "req/s" : runs.get(0).loadUnit();
    XyChart chart = new XyChart("latency-" + metric.key(), "offered load (" + unit + ")", name + " latency (ms)")
        .emptyText("no finished step measured " + metric.key());
    int i = 0;
    boolean corrected = false;
    for (LoadCurves.Curve c : LoadCurves.of(runs)) {
      String color = Palette.color(i++);
      Metric judged = Metric.judging(metric.key(), c.run().openLoop());
      String basis = judged == metric ? "" : " (CO-corrected)";
      chart.add(new Series(c.key() + "/" + metric.key() + ".p99", c.label() + " p99" + basis, color, null,
          c.points(s -> s.metric(judged).p99()), true));
      chart.add(new Series(c.key() + "/" + metric.key() + ".p50", c.label() + " p50" + basis, color, "6 3",
          c.points(s -> s.metric(judged).p50()), true));
      if (judged != metric) {
        corrected = true;
        chart.add(new Series(c.key() + "/" + metric.key() + ".p99-uncorrected", c.label() + " p99 from the actual send (uncorrected)", color,
            "1 3", c.points(s -> s.metric(metric).p99()), true));
      }
    }
    if (baseline != null) {
      Metric judged = Metric.judging(metric.key(), baseline.openLoop());
      for (LoadCurves.Curve c : LoadCurves.of(List.of(baseline))) {
        chart.add(new Series("baseline/" + c.key() + "/" + metric.key() + ".p99", "baseline " + c.label() + " p99", "#777777", "2 2",
            c.points(s -> s.metric(judged).p99()), true));
      }
    }
    Set<String> drawn = new LinkedHashSet<>();
    for (RunData r : runs) {
      for (Map.Entry<String, Double> e : Slos.limits(r.steps()).entrySet()) {
        if (e.getKey().startsWith(metric.key() + ".") && drawn.add(e.getKey() + "=" + e.getValue())) {
          chart.hline(e.getValue(), "SLO " + e.getKey() + " " + Slos.limitText(e.getKey(), e.getValue()), "slo", "#B00020");
        }
      }
    }
    StringBuilder notes = new StringBuilder();
    if (corrected) {
      notes.append(note("Open loop: " + name + " is plotted from each request's intended send time (coordinated-omission corrected,"
          + " run.json metrics." + metric.key() + "-intended), the figure the objectives, knee and sustainable rate are judged on; the"
          + " dotted line is the p99 from the actual send time (uncorrected, metrics." + metric.key() + ")."));
    }
    if (plan != null) {
      Set<String> tiers = new LinkedHashSet<>();
      runs.forEach(r -> tiers.add(r.tier()));
      for (String tier : tiers) {
        JsonNode row = plan.tier(tier);
        if (row == null) {
          notes.append("<p class=\"note\">plan.json has no row for tier ").append(Html.esc(tier)).append(": no knee or sustainable rate drawn.</p>");
          continue;
        }
        JsonNode knee = row.path("knee");
        double kneeRate = PlanDocument.number(knee, "rate");
        String kneeMetric = PlanDocument.text(knee, "metric", "");
        if (kneeMetric.startsWith(metric.key() + ".")) {
          chart.vline(kneeRate, "knee " + tier + " " + Figures.format(kneeRate) + " " + unit + " (" + kneeMetric + ")", "knee", "#555555");
          if (Double.isNaN(kneeRate)) {
            notes.append(note(tier + ": knee " + PlanDocument.text(knee, "undefinedReason", "not in plan.json")));
          }
        }
        JsonNode sus = row.path("sustainable");
        double rate = PlanDocument.number(sus, "qpsPerReplica");
        double lo = PlanDocument.number(sus, "ciLow");
        double hi = PlanDocument.number(sus, "ciHigh");
        String ci = "95% CI " + Figures.format(lo) + " – " + Figures.format(hi);
        chart.band(lo, hi, "sustainable " + tier + " " + ci + " " + unit, "sustainable-ci", "#009E73");
        chart.vline(rate, "sustainable " + tier + " " + Figures.format(rate) + " " + unit + " (" + ci + ")", "sustainable", "#007A5A");
        if (!Double.isNaN(rate) || !Double.isNaN(lo)) {
          chart.legend("sustainable rate 95% CI, " + tier + " (plan.json)", "#cdeee3");
        }
        if (Double.isNaN(rate)) {
          notes.append(note(tier + ": sustainable rate " + PlanDocument.text(sus, "undefinedReason", "not in plan.json")));
        }
      }
    }
    return "<figure>" + chart.render() + "<figcaption>" + name + " p50 (dashed) and p99 (solid) per step against offered load"
        + " (run.json step summaries" + (plan != null ? "; knee and sustainable rate from " + Html.esc(plan.file().getFileName().toString()) : "")
        + ").</figcaption></figure>" + notes;
  }

  private static String note(String text) {
    return "<p class=\"note\">" + Html.esc(text) + "</p>";
  }
}
