package dev.capkit.reports;

import dev.capkit.core.results.StepSummary;
import dev.capkit.reports.chart.Palette;
import dev.capkit.reports.chart.Series;
import dev.capkit.reports.chart.XyChart;
import java.util.List;

/**
 * Achieved QPS and goodput against offered load (open loop also draws "achieved = offered"), and
 * output tokens/s against offered load; every value from the step summaries in run.json.
 */
final class ThroughputChart {
  private ThroughputChart() {}

  static String html(List<RunData> runs) {
    String unit = runs.isEmpty() ? "req/s" : runs.get(0).loadUnit();
    XyChart qps = new XyChart("achieved-qps", "offered load (" + unit + ")", "completed requests (req/s)");
    XyChart tokens = new XyChart("output-tokens", "offered load (" + unit + ")", "output tokens (tokens/s)");
    int i = 0;
    double maxOffered = 0;
    for (LoadCurves.Curve c : LoadCurves.of(runs)) {
      String color = Palette.color(i++);
      qps.add(new Series(c.key() + "/achieved", c.label() + " achieved", color, null, c.points(StepSummary::achievedQps), true));
      qps.add(new Series(c.key() + "/goodput", c.label() + " goodput (met every objective)", color, "6 3",
          c.points(StepSummary::goodputRps), true));
      tokens.add(new Series(c.key() + "/tokens", c.label(), color, null, c.points(StepSummary::outputTokensPerSecond), true));
      for (StepSummary s : c.steps()) {
        maxOffered = Math.max(maxOffered, s.offered());
      }
    }
    if ("req/s".equals(unit) && maxOffered > 0) {
      qps.add(new Series("reference/offered", "achieved = offered", "#999999", "2 3",
          List.of(new Series.Point(0, 0), new Series.Point(maxOffered, maxOffered)), false));
    }
    return "<div class=\"pair\"><figure>" + qps.render() + "<figcaption>Achieved QPS (successful completions per second) and goodput"
        + " against offered load (run.json achievedQps, goodputRps).</figcaption></figure><figure>" + tokens.render()
        + "<figcaption>Output tokens per second of successful requests (run.json outputTokensPerSecond).</figcaption></figure></div>";
  }
}
