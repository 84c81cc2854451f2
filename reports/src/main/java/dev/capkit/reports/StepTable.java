package dev.capkit.reports;

import dev.capkit.core.results.LatencyStats;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.StepRecorder;
import dev.capkit.core.results.StepSummary;
import java.util.List;

/**
 * One row per finished step with the figures of run.json, unrounded in {@code data-value}. When a
 * step streamed reasoning before answers (run.json {@code metrics.ttfa}), TTFA p50/p99 (time to the
 * first answer token) follow TTFT (time to the first token of any kind, reasoning included).
 */
final class StepTable {
  private StepTable() {}

  static String html(RunData r) {
    String unit = r.loadUnit();
    StringBuilder b = new StringBuilder();
    b.append("<table class=\"steps\" data-run=\"").append(Html.esc(r.id())).append("\"><caption>Steps of ").append(Html.esc(r.id()))
        .append(" (run.json)</caption><thead><tr>");
    boolean ttfa = r.steps().stream().anyMatch(s -> s.metrics() != null && s.metrics().containsKey(StepRecorder.TTFA));
    List<String> heads = new java.util.ArrayList<>(List.of("step", "network", "offered (" + unit + ")", "sent (requests)",
        "ok (requests)", "error rate (%)", "achieved (req/s)", "goodput (req/s)", "output (tokens/s)", "mean in flight (requests)",
        "E2E p50 (ms)", "E2E p99 (ms)", "TTFT p50 (ms)", "TTFT p99 (ms)"));
    if (ttfa) {
      heads.addAll(List.of("TTFA p50 (ms)", "TTFA p99 (ms)"));
    }
    heads.addAll(List.of("TPOT p99 (ms)", "ITL p99 (ms)", "objectives"));
    for (String h : heads) {
      b.append(Html.th(h));
    }
    b.append("</tr></thead><tbody>");
    int i = 0;
    for (StepSummary s : r.steps()) {
      String f = "steps[" + i++ + "].";
      String corrupt = r.corrupt().get(s.id());
      b.append("<tr data-step=\"").append(Html.esc(s.id())).append(corrupt == null ? "\">" : "\" class=\"corrupt\">")
          .append(corrupt == null ? Html.td(s.id()) : "<td>" + Html.esc(s.id()) + " <strong class=\"corrupt\" title=\"" + Html.esc(corrupt)
              + "\">corrupt</strong></td>")
          .append(Html.td(s.network() + (s.networkApplied() ? "" : " (not applied)")))
          .append(Html.num(s.offered(), f + "offered")).append(Html.num(s.sent(), f + "sent")).append(Html.num(s.ok(), f + "ok"))
          .append("<td class=\"n\" data-field=\"").append(f).append("errorRate\" data-value=\"").append(Figures.raw(s.errorRate()))
          .append("\">").append(Figures.percent(s.errorRate())).append("</td>")
          .append(Html.num(s.achievedQps(), f + "achievedQps")).append(Html.num(s.goodputRps(), f + "goodputRps"))
          .append(Html.num(s.outputTokensPerSecond(), f + "outputTokensPerSecond")).append(Html.num(s.meanInFlight(), f + "meanInFlight"))
          .append(Html.num(s.metric(Metric.E2E).p50(), f + "metrics.e2e.p50")).append(Html.num(s.metric(Metric.E2E).p99(), f + "metrics.e2e.p99"))
          .append(Html.num(s.metric(Metric.TTFT).p50(), f + "metrics.ttft.p50")).append(Html.num(s.metric(Metric.TTFT).p99(), f + "metrics.ttft.p99"))
          .append(ttfa ? ttfaCells(s, f) : "")
          .append(Html.num(s.metric(Metric.TPOT).p99(), f + "metrics.tpot.p99")).append(Html.num(s.metric(Metric.ITL).p99(), f + "metrics.itl.p99"))
          .append("<td class=\"").append(s.sloMet() ? "held" : "broken").append("\">")
          .append(s.sloMet() ? "held" : "broken: " + Html.esc(String.join(", ",
              s.slo().stream().filter(v -> !v.met()).map(v -> v.key()).toList())))
          .append("</td></tr>");
    }
    b.append("</tbody></table>");
    return b.toString();
  }

  private static String ttfaCells(StepSummary s, String f) {
    LatencyStats t = s.metrics() == null ? null : s.metrics().get(StepRecorder.TTFA);
    return t == null ? Html.num(Double.NaN) + Html.num(Double.NaN)
        : Html.num(t.p50(), f + "metrics.ttfa.p50") + Html.num(t.p99(), f + "metrics.ttfa.p99");
  }
}
