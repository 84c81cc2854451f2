package dev.capkit.reports;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSeries;
import dev.capkit.core.results.StepSummary;
import dev.capkit.reports.chart.Palette;
import dev.capkit.reports.chart.Series;
import dev.capkit.reports.chart.XyChart;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's gauges over the run's time line with the load steps marked (dashed line at each step's
 * start): requests waiting and running ({@code capkit:requests_waiting}, {@code capkit:requests_running}:
 * capkit's engine vocabulary, whichever engine served), and GPU utilization and KV-cache use in percent
 * ({@code DCGM_FI_DEV_GPU_UTIL}, {@code capkit:kv_cache_usage} x 100). A series the server does not
 * export is left out.
 */
final class ServerGaugesChart {
  private ServerGaugesChart() {}

  static String html(RunData r, List<ServerSample> samples, String basis) {
    StringBuilder b = new StringBuilder();
    b.append(chart(r, samples, "queue", "requests", List.of(new String[] {ServerSeries.WAITING, "waiting", "1"},
        new String[] {ServerSeries.RUNNING, "running", "1"}), basis));
    b.append(chart(r, samples, "gpu", "percent", List.of(new String[] {"DCGM_FI_DEV_GPU_UTIL", "GPU utilization %", "1"},
        new String[] {ServerSeries.KV_USAGE, "KV cache use %", "100"}), basis));
    return b.toString();
  }

  private static String chart(RunData r, List<ServerSample> samples, String id, String yTitle, List<String[]> series, String basis) {
    XyChart chart = new XyChart("server-" + id + "-" + r.id(), "time since run start (s)", yTitle);
    int added = 0;
    for (String[] s : series) {
      List<Series.Point> points = new ArrayList<>();
      for (ServerSample x : samples) {
        double v = ServerGaugesTable.value(x, s[0]);
        double t = (x.epochMillis() / 1000.0) - r.startEpochSeconds();
        if (x.ok() && !Double.isNaN(v) && !Double.isNaN(t)) {
          points.add(new Series.Point(t, v * Double.parseDouble(s[2])));
        }
      }
      if (!points.isEmpty()) {
        chart.add(new Series(r.id() + "/" + s[0], s[1], Palette.color(added + 1), null, points, false));
        added++;
      }
    }
    if (added == 0) {
      return "";
    }
    for (StepSummary step : r.steps()) {
      chart.vline(r.sinceStart(step.startedAt()), step.id(), "step", "#888888");
    }
    return "<figure>" + chart.render() + "<figcaption>" + Html.esc(String.join(", ", series.stream().map(s -> s[1]).toList()))
        + " over the run, steps marked at their start (" + Html.esc(basis) + ")</figcaption></figure>";
  }
}
