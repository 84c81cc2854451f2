package dev.capkit.gate.stats;

/**
 * A change between baseline and current with its confidence interval, or "undefined, because ..."
 * when the samples cannot support one. Changes are fractions: {@code 0.12} is +12% for a latency
 * ratio, or +12 percentage points for a difference of proportions.
 *
 * <pre>{@code
 * Estimate e = stats.quantileChange(base, current, 0.99, 0.95);
 * if (e.defined() && e.low() > 0) { ... } // the interval excludes "no change"
 * }</pre>
 *
 * @param point           the observed change (derived from the two measured values)
 * @param low             lower end of the interval
 * @param high            upper end of the interval
 * @param confidence      the interval's two-sided confidence, e.g. 0.95
 * @param undefinedReason null when defined; else why there is no estimate (e.g. too few samples)
 */
public record Estimate(double point, double low, double high, double confidence, String undefinedReason) {

  public static Estimate undefined(String reason) {
    return new Estimate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, reason);
  }

  public boolean defined() {
    return undefinedReason == null;
  }

  /** Whether the whole interval lies above zero: an increase that is not plausibly "no change". */
  public boolean excludesNoChangeUpward() {
    return defined() && low > 0;
  }

  /** Whether the whole interval lies below zero. */
  public boolean excludesNoChangeDownward() {
    return defined() && high < 0;
  }
}
