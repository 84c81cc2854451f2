package dev.capkit.planner.validate;

import dev.capkit.planner.SloTarget;
import java.util.Locale;

/**
 * One objective of a plan judged on a validation run: the limit, the figure the run measured (judged
 * as the plan judged it: open-loop E2E and TTFT from the intended send time), whether it held, and by
 * how much.
 *
 * @param objective the plan's objective
 * @param measured  milliseconds, or the error share; NaN when the run measured nothing for it
 * @param requests  requests the figure rests on (the step's sent requests)
 * @param note      a caveat (a percentile resting on too few requests), or null
 */
public record ObjectiveCheck(SloTarget objective, double measured, long requests, String note) {

  /** True when the measured figure is at or under the limit. */
  public boolean held() {
    return !Double.isNaN(measured) && measured <= objective.limit();
  }

  /**
   * Room left as a share of the limit: {@code (limit - measured) / limit}; negative when missed
   * (-0.25 = 25% over the limit). For an error objective with limit 0: 0 when held, -inf when not.
   */
  public double margin() {
    if (objective.limit() == 0) {
      return measured == 0 ? 0 : Double.NEGATIVE_INFINITY;
    }
    return (objective.limit() - measured) / objective.limit();
  }

  /** The figure as a person reads it: {@code 1,234 ms} or {@code 0.50%}. */
  public String measuredText() {
    if (Double.isNaN(measured)) {
      return "not measured";
    }
    return objective.isErrors() ? String.format(Locale.ROOT, "%.2f%%", measured * 100) : String.format(Locale.ROOT, "%,.0f ms", measured);
  }

  /** {@code held, 38% under the limit} or {@code MISSED, 25% over the limit}. */
  public String verdictText() {
    if (Double.isNaN(measured)) {
      return "MISSED: nothing measured";
    }
    double m = margin();
    String by = Double.isInfinite(m) ? "the limit is 0" : String.format(Locale.ROOT, "%.0f%% %s the limit", Math.abs(m) * 100,
        m >= 0 ? "under" : "over");
    return (held() ? "held, " : "MISSED, ") + by;
  }
}
