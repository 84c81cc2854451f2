package dev.capkit.reports;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.StepSummary;
import java.util.List;

/**
 * Each run's steps against the baseline run's step at the same offered load and network profile
 * (by step id when no such step exists): p99 latencies, achieved QPS and error rate side by side,
 * with the relative change. Positive latency change = slower than the baseline.
 */
final class BaselineComparison {
  private BaselineComparison() {}

  static String html(List<RunData> runs, RunData baseline) {
    StringBuilder b = new StringBuilder();
    b.append("<p>Baseline: <b>").append(Html.esc(baseline.id())).append("</b> (").append(Html.esc(baseline.folder().toString()))
        .append("), tier ").append(Html.esc(baseline.tier())).append(", started ").append(Html.esc(baseline.run().manifest().startedAt()))
        .append(".</p>");
    for (RunData r : runs) {
      b.append("<table class=\"baseline\" data-run=\"").append(Html.esc(r.id())).append("\"><caption>").append(Html.esc(r.id()))
          .append(" against ").append(Html.esc(baseline.id())).append("</caption><thead><tr>");
      for (String h : List.of("step", "baseline step", "E2E p99 baseline (ms)", "E2E p99 (ms)", "change (%)", "TTFT p99 baseline (ms)",
          "TTFT p99 (ms)", "change (%)", "achieved baseline (req/s)", "achieved (req/s)", "error rate baseline (%)", "error rate (%)")) {
        b.append(Html.th(h));
      }
      b.append("</tr></thead><tbody>");
      for (StepSummary s : r.steps()) {
        StepSummary base = match(s, baseline);
        b.append("<tr data-step=\"").append(Html.esc(s.id())).append("\">").append(Html.td(s.id()));
        if (base == null) {
          b.append("<td colspan=\"11\">no baseline step at offered ").append(Figures.format(s.offered())).append(" on network ")
              .append(Html.esc(s.network())).append("</td></tr>");
          continue;
        }
        double be = base.metric(Metric.E2E).p99();
        double e = s.metric(Metric.E2E).p99();
        double bt = base.metric(Metric.TTFT).p99();
        double t = s.metric(Metric.TTFT).p99();
        b.append(Html.td(base.id())).append(Html.num(be)).append(Html.num(e)).append(change(be, e)).append(Html.num(bt)).append(Html.num(t))
            .append(change(bt, t)).append(Html.num(base.achievedQps())).append(Html.num(s.achievedQps()))
            .append(pct(base.errorRate())).append(pct(s.errorRate())).append("</tr>");
      }
      b.append("</tbody></table>");
    }
    return b.toString();
  }

  static StepSummary match(StepSummary s, RunData baseline) {
    for (StepSummary b : baseline.steps()) {
      if (b.offered() == s.offered() && b.network().equals(s.network()) && b.unit().equals(s.unit())) {
        return b;
      }
    }
    return baseline.steps().stream().filter(b -> b.id().equals(s.id())).findFirst().orElse(null);
  }

  private static String change(double base, double now) {
    double c = (now - base) / base * 100;
    return "<td class=\"n\" data-value=\"" + Figures.raw(c) + "\">" + (c > 0 ? "+" : "") + Figures.format(c) + "%</td>";
  }

  private static String pct(double share) {
    return "<td class=\"n\" data-value=\"" + Figures.raw(share) + "\">" + Figures.percent(share) + "</td>";
  }
}
