package dev.capkit.reports;

import dev.capkit.core.results.RunReader;
import dev.capkit.reports.chart.Series;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What the page needs from one {@code <metric>.hlog} (results format v1, see core's {@code RunReader}),
 * read in one pass: the percentile curve of all intervals summed (all request kinds, in ms) and the
 * value count of each interval line with its absolute start. The histograms themselves are not
 * kept: twenty runs of eight steps would hold hundreds of MB of counts arrays. Only finished steps
 * are read, so any line that does not decode is a {@code CorruptFileException} (core's
 * {@code IntervalLogReader}); {@link #byKind} lets the caller cross-check the counts with run.json.
 *
 * @param total  values in the whole log
 * @param curve  percentile curve, x = 1/(1-p), y = ms (see {@link PercentilePlot#points})
 * @param counts one entry per interval line
 */
record IntervalLog(Path file, boolean exists, long total, List<Series.Point> curve, List<Count> counts, java.util.Map<String, Long> byKind) {

  /** Values recorded in one interval line (one request kind, one second). */
  record Count(double startEpochSeconds, long values) {}

  static IntervalLog read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return empty(file);
    }
    java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
    List<Count> counts = new ArrayList<>();
    Histogram[] all = {null};
    RunReader.forEachInterval(file, h -> {
      counts.add(new Count(h.getStartTimeStamp() / 1000.0, h.getTotalCount()));
      byKind.merge(h.getTag() == null ? "untagged" : h.getTag(), h.getTotalCount(), Long::sum);
      byKind.merge("*", h.getTotalCount(), Long::sum);
      if (all[0] == null) {
        all[0] = new Histogram(h.getNumberOfSignificantValueDigits()); // auto-resizing: holds whatever range the lines encode
      }
      all[0].add(h);
    });
    long total = all[0] == null ? 0 : all[0].getTotalCount();
    List<Series.Point> curve = total == 0 ? List.of() : PercentilePlot.points(all[0]);
    return new IntervalLog(file, true, total, curve, List.copyOf(counts), java.util.Map.copyOf(byKind));
  }

  static IntervalLog empty(Path file) {
    return new IntervalLog(file, false, 0, List.of(), List.of(), java.util.Map.of());
  }
}
