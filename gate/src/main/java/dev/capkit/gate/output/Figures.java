package dev.capkit.gate.output;

import dev.capkit.gate.Comparison;
import dev.capkit.gate.GatedMetric;
import java.util.Locale;

/** How the outputs print one comparison's numbers; shared so table, XML and Markdown agree. */
final class Figures {
  private Figures() {}

  /** A measured value: milliseconds for latencies, a percentage for rates; "-" when absent. */
  static String value(Comparison c, double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (c.metric().latency()) {
      return (v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + " ms";
    }
    return String.format(Locale.ROOT, "%.2f%%", v * 100);
  }

  /** A derived change: relative % for latencies, percentage points for rates. */
  static String change(Comparison c, double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, c.metric().latency() ? "%+.1f%%" : "%+.2fpp", v * 100);
  }

  static String interval(Comparison c) {
    if (!c.interval().defined()) {
      return "undefined";
    }
    return "[" + change(c, c.interval().low()) + ", " + change(c, c.interval().high()) + "]";
  }

  /** The smallest worsening the comparison would catch with about 95% probability ({@link Comparison#detectable()}); "-" when undecided. */
  static String detectable(Comparison c) {
    String d = c.detectableText();
    return d == null ? "-" : d;
  }

  static String tolerance(Comparison c) {
    String sign = c.metric() == GatedMetric.GOODPUT ? "-" : "+";
    double v = c.tolerance() * 100;
    String n = v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    return sign + n + (c.metric().latency() ? "%" : "pp");
  }

  static String confidence(double confidence) {
    double v = confidence * 100;
    return (v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v)) + "%";
  }
}
