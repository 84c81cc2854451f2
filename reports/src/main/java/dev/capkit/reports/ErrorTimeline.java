package dev.capkit.reports;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.StepSummary;
import dev.capkit.reports.chart.Palette;
import dev.capkit.reports.chart.Series;
import dev.capkit.reports.chart.XyChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Failed requests over the run's time line. Bars: each step's failures by kind (run.json
 * {@code errors}) divided by its measured window, stacked, spanning the step's start to end. Line
 * (open loop only): failures per second from the interval logs, as the count of schedule-lag
 * values (recorded for every request) minus the count of E2E values (successful ones only) in each
 * one-second interval. Plus the table of counts per step and kind.
 */
final class ErrorTimeline {
  private ErrorTimeline() {}

  static String html(RunData r) {
    TreeSet<String> kinds = new TreeSet<>();
    r.steps().forEach(s -> kinds.addAll(s.errors().keySet()));
    StringBuilder b = new StringBuilder();
    if (kinds.isEmpty()) {
      return "<p class=\"empty\" data-chart=\"errors-" + Html.esc(r.id()) + "\">No failed requests in any finished step of "
          + Html.esc(r.id()) + " (run.json errors empty).</p>";
    }
    XyChart chart = new XyChart("errors-" + r.id(), "time since run start (s)", "failed requests (req/s)");
    List<String> kindList = new ArrayList<>(kinds);
    for (String k : kindList) {
      chart.legend(k + " (step average)", Palette.color(kindList.indexOf(k) + 1));
    }
    for (StepSummary s : r.steps()) {
      double x0 = r.sinceStart(s.startedAt());
      double x1 = r.sinceStart(s.endedAt());
      if (Double.isNaN(x0) || Double.isNaN(x1) || s.durationSeconds() <= 0) {
        continue;
      }
      double y = 0;
      for (String k : kindList) {
        long n = s.errors().getOrDefault(k, 0L);
        if (n == 0) {
          continue;
        }
        double rate = n / s.durationSeconds();
        chart.rect(x0, x1, y, y + rate, Palette.color(kindList.indexOf(k) + 1), s.id() + "/" + k,
            s.id() + ": " + n + " " + k + " in " + Figures.format(s.durationSeconds()) + " s = " + Figures.format(rate) + " req/s");
        y += rate;
      }
    }
    List<Series.Point> perSecond = perSecond(r);
    if (!perSecond.isEmpty()) {
      chart.add(new Series(r.id() + "/failed-per-second", "failed per second (interval logs)", "#000000", null, perSecond, true));
    }
    b.append("<figure>").append(chart.render()).append("<figcaption>Failed requests by kind per step (bars, run.json errors ÷ step")
        .append(" window)").append(perSecond.isEmpty() ? "" : " and per second (line: schedule-lag minus E2E values per interval in the"
            + " .hlog files)").append(".</figcaption></figure>");
    b.append("<table class=\"errors\" data-run=\"").append(Html.esc(r.id())).append("\"><caption>Failed requests by kind (run.json)")
        .append("</caption><thead><tr>").append(Html.th("step")).append(Html.th("sent (requests)"));
    kindList.forEach(k -> b.append(Html.th(k + " (requests)")));
    b.append(Html.th("error rate (%)")).append("</tr></thead><tbody>");
    for (StepSummary s : r.steps()) {
      b.append("<tr>").append(Html.td(s.id())).append(Html.num(s.sent()));
      kindList.forEach(k -> b.append(Html.num(s.errors().getOrDefault(k, 0L))));
      b.append("<td class=\"n\" data-value=\"").append(Figures.raw(s.errorRate())).append("\">").append(Figures.percent(s.errorRate()))
          .append("</td></tr>");
    }
    b.append("</tbody></table>");
    return b.toString();
  }

  /** Failures per whole second since the run start, open loop only (closed loop records no schedule lag). */
  static List<Series.Point> perSecond(RunData r) {
    double start = r.startEpochSeconds();
    if (Double.isNaN(start)) {
      return List.of();
    }
    Map<Long, Long> sent = new TreeMap<>();
    Map<Long, Long> ok = new TreeMap<>();
    for (Map<Metric, IntervalLog> logs : r.logs().values()) {
      count(logs.get(Metric.SCHEDULE_LAG), start, sent);
      count(logs.get(Metric.E2E), start, ok);
    }
    List<Series.Point> out = new ArrayList<>();
    for (var e : sent.entrySet()) {
      long failed = e.getValue() - ok.getOrDefault(e.getKey(), 0L);
      // a success and its schedule lag are recorded together; a negative count would mean they straddled a second
      out.add(new Series.Point(e.getKey() + 0.5, Math.max(0, failed)));
    }
    return out;
  }

  private static void count(IntervalLog log, double start, Map<Long, Long> into) {
    if (log == null) {
      return;
    }
    for (IntervalLog.Count c : log.counts()) {
      long second = (long) Math.floor(c.startEpochSeconds() - start);
      into.merge(second, c.values(), Long::sum);
    }
  }
}
