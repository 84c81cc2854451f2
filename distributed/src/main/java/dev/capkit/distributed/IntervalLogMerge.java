package dev.capkit.distributed;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.StepSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Adds the interval logs of one (step, metric) from several runs into one log, exactly: every
 * input interval histogram is added, untouched, into the output interval of the same request kind
 * ({@code Tag}) that covers its absolute start second. Injectors flush at their own sub-second
 * phases, so intervals are aligned by absolute time on whole seconds; totals, and hence every
 * percentile of the sum, are those of recording all requests into one histogram.
 *
 * <p>The output has the header {@code RunWriter} writes (results format v1, see {@link RunReader}).
 */
final class IntervalLogMerge {
  /** Same range and precision as the run writer's histograms (1 µs to 1 h, 3 digits). */
  static final long MAX_MICROS = 3_600_000_000L;
  static final int SIGNIFICANT_DIGITS = 3;

  private IntervalLogMerge() {}

  static Histogram newHistogram() {
    return new Histogram(1, MAX_MICROS, SIGNIFICANT_DIGITS);
  }

  /**
   * Merges {@code steps/<step id>/<metric>.hlog} of every input into {@code out}; returns the sum per
   * request kind (key {@code *} for all kinds), like {@link RunReader#histogram}. Each input's log is
   * read strictly and its counts cross-checked with that input's run.json ({@code parts}, one step
   * summary per input, same order), so a corrupt injector run is refused, never merged.
   */
  static Map<String, Histogram> merge(List<Path> inputs, List<StepSummary> parts, Metric metric, long stepStartMillis, Path out)
      throws IOException {
    String stepId = parts.get(0).id();
    Map<Long, Map<String, Histogram>> bySecond = new TreeMap<>();
    Map<String, Histogram> totals = new TreeMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      Path file = dev.capkit.core.results.RunLayout.of(inputs.get(i)).hlog(stepId, metric);
      Map<String, Long> counts = new TreeMap<>();
      RunReader.forEachInterval(file, h -> {
        String tag = h.getTag() == null ? "untagged" : h.getTag();
        long second = Math.floorDiv(h.getStartTimeStamp(), 1000L);
        bySecond.computeIfAbsent(second, s -> new TreeMap<>()).computeIfAbsent(tag, t -> newHistogram()).add(h);
        totals.computeIfAbsent(tag, t -> newHistogram()).add(h);
        totals.computeIfAbsent("*", t -> newHistogram()).add(h);
        counts.merge(tag, h.getTotalCount(), Long::sum);
        counts.merge("*", h.getTotalCount(), Long::sum);
      });
      RunReader.crossCheckCounts(file, parts.get(i), metric, counts);
    }
    write(out, metric, stepId, stepStartMillis, bySecond);
    return totals;
  }

  private static void write(Path file, Metric metric, String stepId, long startMillis,
      Map<Long, Map<String, Histogram>> bySecond) throws IOException {
    Files.createDirectories(file.getParent());
    try (PrintStream ps = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
      HistogramLogWriter w = RunWriter.startIntervalLog(ps, metric, stepId, startMillis);
      for (var second : bySecond.entrySet()) {
        for (var tagged : second.getValue().entrySet()) {
          Histogram h = tagged.getValue();
          h.setTag(tagged.getKey());
          h.setStartTimeStamp(Math.max(startMillis, second.getKey() * 1000L));
          h.setEndTimeStamp(second.getKey() * 1000L + 1000L);
          w.outputIntervalHistogram(h);
        }
      }
      if (ps.checkError()) {
        throw new IOException(file + ": write failed");
      }
    }
  }
}
