package dev.capkit.reports.chart;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps data values to pixels on one axis, linearly or on a log10 scale, and proposes tick values
 * (1-2-5 steps for linear, powers of ten for log).
 *
 * <pre>{@code
 * Scale x = Scale.linear(0, 4.2, 64, 744);
 * x.map(2.1);   // 404.0
 * x.ticks();    // [0, 1, 2, 3, 4]
 * }</pre>
 */
public record Scale(double min, double max, double from, double to, boolean log) {

  /** A linear scale over {@code [0 or min, max]} widened to a tick boundary. */
  public static Scale linear(double min, double max, double from, double to) {
    if (!(max > min)) {
      max = min + (min == 0 ? 1 : Math.abs(min) * 0.1);
    }
    double step = niceStep(max - min);
    return new Scale(Math.floor(min / step) * step, Math.ceil(max / step - 1e-9) * step, from, to, false);
  }

  /** A log10 scale over whole decades covering {@code [min, max]}; min must be positive. */
  public static Scale log(double min, double max, double from, double to) {
    double lo = Math.pow(10, Math.floor(Math.log10(min)));
    double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(max, min * 10)) - 1e-9));
    return new Scale(lo, hi, from, to, true);
  }

  public double map(double v) {
    double t = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
    return from + t * (to - from);
  }

  public boolean contains(double v) {
    return v >= min - 1e-12 && v <= max + 1e-12 && (!log || v > 0);
  }

  public List<Double> ticks() {
    List<Double> out = new ArrayList<>();
    if (log) {
      for (double v = min; v <= max * 1.0001; v *= 10) {
        out.add(v);
      }
      return out;
    }
    double step = niceStep(max - min);
    for (int i = 0; ; i++) {
      double v = min + i * step;
      if (v > max + step * 1e-6) {
        break;
      }
      out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return out;
  }

  /** A 1, 2 or 5 times a power of ten step giving about five intervals. */
  static double niceStep(double range) {
    double raw = range / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / mag;
    double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
    return nice * mag;
  }
}
