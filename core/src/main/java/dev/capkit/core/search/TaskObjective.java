package dev.capkit.core.search;

import java.time.Duration;
import java.util.Locale;

/**
 * An objective on whole phone-agent tasks (closed loop), judged like a step objective: as the share
 * of tasks allowed to violate it.
 * <ul>
 *   <li>{@code task.p95 < 90s}: task completion time (first step sent to last answer, think times
 *       included) at the 95th percentile stays under 90 s, i.e. at most 5% of tasks take longer;
 *   <li>{@code task.allStepsMet >= 95%}: at least 95% of tasks have every step within every step
 *       objective (and no failed step), i.e. at most 5% of tasks have a missed step.
 * </ul>
 * Scenario field {@code load.taskObjectives} of a closed-loop scenario, e.g.
 * {@code "taskObjectives": { "task.p95": "90s", "task.allStepsMet": "95%" }}.
 *
 * @param key     {@code task.p<percentile>} or {@code task.allStepsMet}
 * @param allowed highest share of tasks that may violate it, in (0, 1)
 * @param limit   the completion-time limit ({@code task.p<N>}), null for {@code task.allStepsMet}
 */
public record TaskObjective(String key, double allowed, Duration limit) {
  public static final String ALL_STEPS_MET = "task.allStepsMet";

  public TaskObjective {
    if (!(allowed > 0 && allowed < 1)) {
      throw new IllegalArgumentException("task objective " + key + ": allowed violating share must be in (0, 1), got " + allowed);
    }
    if ((limit == null) != key.equals(ALL_STEPS_MET)) {
      throw new IllegalArgumentException("task objective " + key + ": a completion-time percentile needs a limit, "
          + ALL_STEPS_MET + " has none");
    }
  }

  /** {@code task.p<percentile> < limit}. */
  public static TaskObjective time(double percentile, Duration limit) {
    String p = percentile == Math.rint(percentile) ? Long.toString((long) percentile) : Double.toString(percentile);
    return new TaskObjective("task.p" + p, 1 - percentile / 100, limit);
  }

  /** {@code task.allStepsMet >= share}. */
  public static TaskObjective allStepsMet(double share) {
    return new TaskObjective(ALL_STEPS_MET, 1 - share, null);
  }

  /** As the search judges it: the share of tasks that may violate it. */
  public ObjectiveShare share() {
    return new ObjectiveShare(key, allowed);
  }

  /** Whether a finished task violates this objective. */
  public boolean violatedBy(TaskOutcome task) {
    return limit == null ? !task.allStepsMet() : task.seconds() * 1e9 > limit.toNanos();
  }

  /**
   * Whether a task still running is already known to violate it: a step of it missed an objective,
   * or it has run past the completion-time limit (counts only grow, so an early stop may count it).
   */
  public boolean violatedWhileRunning(double secondsSoFar, boolean stepsMetSoFar) {
    return limit == null ? !stepsMetSoFar : secondsSoFar * 1e9 > limit.toNanos();
  }

  @Override
  public String toString() {
    return limit == null
        ? String.format(Locale.ROOT, "%s >= %s%%", key, trim((1 - allowed) * 100))
        : key + " < " + dev.capkit.core.scenario.Durations.format(limit);
  }

  private static String trim(double v) {
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
