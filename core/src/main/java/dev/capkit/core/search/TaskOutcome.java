package dev.capkit.core.search;

/**
 * One finished phone-agent task: how long it took and whether every step of it met every step
 * objective.
 *
 * @param seconds      completion time: first step sent to last answer received, think times included
 * @param steps        model calls in the task
 * @param allStepsMet  whether every step succeeded and met every step objective
 */
public record TaskOutcome(double seconds, int steps, boolean allStepsMet) {
  public TaskOutcome {
    if (!(seconds >= 0) || steps < 1) {
      throw new IllegalArgumentException("a task needs a completion time >= 0 and at least one step, got " + seconds + " s, "
          + steps + " steps");
    }
  }
}
