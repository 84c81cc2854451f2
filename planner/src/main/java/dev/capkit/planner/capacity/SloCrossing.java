package dev.capkit.planner.capacity;

/**
 * Where one objective is crossed on a tier's ladder: the rate (requests/s) at which the measured
 * value reaches the limit, linearly interpolated between the last step that met it and the first
 * that did not, with a bootstrap confidence interval. Undefined (NaN, with the reason) when the
 * ladder cannot place it: never crossed ({@code atLeast} then holds the highest rate that met it),
 * crossed already at the first step ({@code below} holds that step's rate), too few steps.
 *
 * <pre>{@code
 * SloCrossing c = rate.crossings().get(0);
 * c.defined() ? c.rate() + " [" + c.low() + ", " + c.high() + "]" : c.undefinedReason();
 * }</pre>
 *
 * @param slo             objective key, e.g. {@code e2e.p99}
 * @param limit           its limit (ms, or a share for errors)
 * @param rate            interpolated crossing rate, NaN when undefined
 * @param low             lower end of the 95% interval; {@code -Infinity} when more than 2.5% of the
 *                        bootstrap replicates already crossed at the first step
 * @param high            upper end of the 95% interval; {@code +Infinity} when more than 2.5% of the
 *                        replicates never crossed
 * @param atLeast         highest rate measured that met it when it was never crossed, else NaN
 * @param below           rate of the first step when it was crossed there, else NaN
 * @param undefinedReason null when defined
 * @param note            remarks such as a later step meeting the objective again (noisy ladder), or null
 */
public record SloCrossing(String slo, double limit, double rate, double low, double high, double atLeast, double below,
    String undefinedReason, String note) {

  public boolean defined() {
    return undefinedReason == null;
  }
}
