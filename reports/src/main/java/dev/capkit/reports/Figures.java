package dev.capkit.reports;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * How the report prints a number, everywhere: four significant digits (whole numbers from 1,000 up,
 * with thousands separators), {@code n/a} for NaN, and signed infinities spelled out. Tables carry
 * the unrounded value from run.json/plan.json in a {@code data-value} attribute next to this text.
 *
 * <pre>{@code
 * Figures.format(5079.039);  // "5,079"
 * Figures.format(0.35);      // "0.35"
 * }</pre>
 */
public final class Figures {
  private Figures() {}

  public static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+inf" : "-inf";
    }
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (v == 0) {
      return "0";
    }
    return new BigDecimal(v).round(new MathContext(4, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString();
  }

  /** A share (0..1) as a percentage with up to four significant digits, e.g. {@code 0.0125 -> "1.25%"}. */
  public static String percent(double share) {
    return Double.isNaN(share) ? "n/a" : format(share * 100) + "%";
  }

  /** The raw value for a {@code data-value} attribute: Java's shortest round-trip text, as Jackson reads it. */
  public static String raw(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
