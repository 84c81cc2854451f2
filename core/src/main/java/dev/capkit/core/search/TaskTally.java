package dev.capkit.core.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task-level figures of a probe (or any window) of closed-loop agents, a pure function of the
 * tasks that finished: count, completion-time percentiles (nearest rank: the smallest time with at
 * least q of the tasks at or below it), the share of tasks whose every step met every objective,
 * completed tasks per hour of window, and violations per task objective.
 *
 * <pre>{@code
 * TaskTally t = TaskTally.of(tasks, 300.0);
 * t.secondsAt(0.95); t.shareAllStepsMet(); t.tasksPerHour();
 * }</pre>
 *
 * @param seconds        completion times, sorted ascending
 * @param allStepsMet    tasks whose every step met every objective
 * @param windowSeconds  the window the tasks were started in (tasks per hour divides by it)
 */
public record TaskTally(double[] seconds, long allStepsMet, double windowSeconds) {
  public TaskTally {
    seconds = seconds.clone();
    Arrays.sort(seconds);
  }

  public static TaskTally of(List<TaskOutcome> tasks, double windowSeconds) {
    double[] s = tasks.stream().mapToDouble(TaskOutcome::seconds).toArray();
    return new TaskTally(s, tasks.stream().filter(TaskOutcome::allStepsMet).count(), windowSeconds);
  }

  public int tasks() {
    return seconds.length;
  }

  /** Completion time at quantile q in (0, 1], nearest rank; NaN without a task. */
  public double secondsAt(double q) {
    if (seconds.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * seconds.length - 1e-9);
    return seconds[Math.max(0, Math.min(seconds.length, rank) - 1)];
  }

  /** Share of tasks with every step within every objective; NaN without a task. */
  public double shareAllStepsMet() {
    return seconds.length == 0 ? Double.NaN : allStepsMet / (double) seconds.length;
  }

  /** Completed tasks per hour of window; NaN without a window. */
  public double tasksPerHour() {
    return windowSeconds > 0 ? seconds.length / windowSeconds * 3600 : Double.NaN;
  }

  /** Cost of one completed task at {@code pricePerHour} for the replica; NaN without a completed task. */
  public double costPerTask(double pricePerHour) {
    double perHour = tasksPerHour();
    return perHour > 0 ? pricePerHour / perHour : Double.NaN;
  }

  /** Per task objective key, finished tasks that violate it. */
  public static Map<String, Long> violations(List<TaskObjective> objectives, List<TaskOutcome> tasks) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (TaskObjective o : objectives) {
      out.put(o.key(), tasks.stream().filter(o::violatedBy).count());
    }
    return out;
  }

  /** The objectives' shares, step objectives first, then task objectives (as the search judges them). */
  public static List<ObjectiveShare> shares(List<ObjectiveCheck> steps, List<TaskObjective> tasks) {
    List<ObjectiveShare> out = new ArrayList<>(ObjectiveCheck.shares(steps));
    tasks.forEach(t -> out.add(t.share()));
    return out;
  }
}
