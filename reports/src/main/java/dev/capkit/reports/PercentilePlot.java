package dev.capkit.reports;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.StepSummary;
import dev.capkit.reports.chart.Palette;
import dev.capkit.reports.chart.Series;
import dev.capkit.reports.chart.XyChart;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * HdrHistogram-style percentile distribution of one metric, one line per step, from the step's
 * interval log summed over the step (all request kinds): x is {@code 1/(1-p)} on a log scale so the
 * tail gets the room (ticks labelled 0%, 90%, 99%, 99.9%...), y the latency in ms.
 */
final class PercentilePlot {
  /** Iteration resolution: points per halving of the distance to 100% (HdrHistogram's own plots use 5). */
  private static final int TICKS_PER_HALF = 5;

  private PercentilePlot() {}

  static String html(RunData r, Metric metric) {
    String name = metric.key().toUpperCase(java.util.Locale.ROOT);
    XyChart chart = new XyChart("percentiles-" + r.id() + "-" + metric.key(), "percentile, log scale of 1/(1−p) (%)", name + " latency (ms)")
        .xLog(PercentilePlot::tickLabel).emptyText("no " + metric.key() + " values in the interval logs of " + r.id());
    int i = 0;
    for (StepSummary s : r.steps()) {
      IntervalLog log = r.logs().getOrDefault(s.id(), java.util.Map.of()).get(metric);
      String color = Palette.color(i);
      String dash = Palette.dash(i++);
      if (log == null || log.total() == 0) {
        continue;
      }
      chart.add(new Series(r.id() + "/" + s.id() + "/" + metric.key(), s.id() + " (" + log.total() + " values)", color, dash,
          log.curve(), false));
    }
    return "<figure>" + chart.render() + "<figcaption>" + name + " by percentile per step, from steps/&lt;step&gt;/" + metric.key()
        + ".hlog of " + Html.esc(r.id()) + " (µs in the log, ms here).</figcaption></figure>";
  }

  static List<Series.Point> points(Histogram h) {
    List<Series.Point> out = new ArrayList<>();
    for (HistogramIterationValue v : h.percentiles(TICKS_PER_HALF)) {
      double p = v.getPercentileLevelIteratedTo() / 100.0;
      if (p >= 1.0) {
        break;
      }
      out.add(new Series.Point(1 / (1 - p), h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0));
    }
    // short steps end their iteration early: finish the line at the max, placed at the percentile of the last value (1 - 1/count)
    double lastX = out.isEmpty() ? 1 : out.get(out.size() - 1).x();
    double max = h.highestEquivalentValue(h.getMaxValue()) / 1000.0;
    if (out.isEmpty() || out.get(out.size() - 1).y() < max) {
      out.add(new Series.Point(Math.max(lastX, h.getTotalCount()), max));
    }
    return out;
  }

  static String tickLabel(double x) {
    double p = 100 * (1 - 1 / x);
    return Figures.format(p) + "%";
  }
}
