package dev.capkit.reports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * The intervals of one {@code <metric>.hlog} (results format v1, see core's {@code RunReader}):
 * one histogram per request kind per second, in microseconds, with its absolute start time. Read
 * once and used twice: summed for the percentile plots, counted per second for the error timeline.
 * A half-written last line (a killed run) ends the log, as in {@code RunReader.histogram}.
 */
record IntervalLog(Path file, List<Interval> intervals) {

  /** One line of the log. */
  record Interval(String tag, double startEpochSeconds, Histogram histogram) {}

  static IntervalLog read(Path file) throws IOException {
    List<Interval> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return new IntervalLog(file, out);
    }
    try (InputStream in = Files.newInputStream(file)) {
      HistogramLogReader reader = new HistogramLogReader(in);
      while (true) {
        EncodableHistogram e;
        try {
          e = reader.nextIntervalHistogram();
        } catch (RuntimeException truncated) {
          break; // a killed writer can leave half a line; everything before it is whole
        }
        if (e == null) {
          break;
        }
        Histogram h = (Histogram) e;
        out.add(new Interval(h.getTag() == null ? "untagged" : h.getTag(), h.getStartTimeStamp() / 1000.0, h));
      }
    }
    return new IntervalLog(file, out);
  }

  boolean exists() {
    return Files.exists(file);
  }

  /** All kinds together; an empty histogram when the log is absent or empty. */
  Histogram total() {
    Histogram all = new Histogram(3_600_000_000L, 3);
    for (Interval i : intervals) {
      all.add(i.histogram());
    }
    return all;
  }
}
