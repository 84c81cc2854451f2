package dev.capkit.core.search;

import java.util.List;
import java.util.Locale;

/**
 * What a capacity search found: the sustainable rate lies in {@code [low, high]} at the stated
 * confidence (monotone objectives assumed: a rate above a broken one is broken).
 *
 * @param low        highest rate shown to hold; NaN when none was
 * @param high       lowest rate shown broken; NaN when none was (then low alone says "at least low")
 * @param precision  the interval's half-width as a share of its middle, (high - low) / (high + low)
 * @param target     the precision asked for
 * @param confidence the interval's confidence
 * @param gpuSeconds GPU time spent by all probes
 * @param stop       why the search stopped
 * @param probes     every probe in order
 */
public record SearchResult(double low, double high, double precision, double target, double confidence,
    double gpuSeconds, String stop, List<ProbeResult> probes) {

  public SearchResult {
    probes = List.copyOf(probes);
  }

  /** Whether the asked precision was reached. */
  public boolean met() {
    return precision <= target;
  }

  /** The middle of the interval (geometric: the search bisects on a log scale). */
  public double estimate() {
    return Math.sqrt(low * high);
  }

  /** One line for people, e.g. {@code sustainable rate 2.41 [2.30, 2.52] req/s (±4.6%, 95% confidence; 7 probes, 1,840 GPU-s)}. */
  public String summary(String unit) {
    String interval = Double.isNaN(low) || Double.isNaN(high)
        ? String.format(Locale.ROOT, "interval not closed (asked ±%.1f%%): shown to hold up to %s, shown broken from %s %s",
            target * 100, fmt(low), fmt(high), unit)
        : String.format(Locale.ROOT, "sustainable %s %s [%s, %s] (±%.1f%%%s, %.0f%% confidence)", fmt(estimate()), unit,
            fmt(low), fmt(high), precision * 100, met() ? "" : String.format(Locale.ROOT, "; asked ±%.1f%%", target * 100),
            confidence * 100);
    return String.format(Locale.ROOT, "%s; %d probes, %.0f GPU-seconds; stopped: %s", interval, probes.size(), gpuSeconds, stop);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3g", v);
  }
}
