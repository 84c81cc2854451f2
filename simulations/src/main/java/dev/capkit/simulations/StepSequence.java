package dev.capkit.simulations;

import dev.capkit.core.results.StepSummary;
import dev.capkit.core.scenario.StepPlan;
import java.util.List;

/**
 * Where a {@link LoadRun}'s steps come from: the scenario's fixed ladder ({@link #fixed}), or a
 * capacity search that chooses each probe once the step before it has closed ({@link SearchDriver}).
 * Called on the run's supervisor thread.
 */
public interface StepSequence {
  /**
   * The next step, its start an offset from the run's steps origin ({@link LoadRun#stepsOrigin()}),
   * or null when the run is over.
   *
   * @param closed the step just closed, null before the first
   */
  StepPlan next(StepSummary closed);

  /** Whether the step's window ends now, before its planned end (polled while the window is open). */
  default boolean stopEarly(int step) {
    return false;
  }

  /** Whether every request of the step has been registered, {@code registered} of them so far. */
  boolean allRegistered(int step, long registered);

  /**
   * The scenario's steps in order.
   *
   * @param expectedPerStep open loop: planned arrivals per step (a step is complete once all were
   *                        registered); null for closed loop (whatever was registered)
   */
  static StepSequence fixed(List<StepPlan> steps, long[] expectedPerStep) {
    return new StepSequence() {
      private int next;

      @Override
      public StepPlan next(StepSummary closed) {
        return next < steps.size() ? steps.get(next++) : null;
      }

      @Override
      public boolean allRegistered(int step, long registered) {
        return expectedPerStep == null || registered >= expectedPerStep[step];
      }
    };
  }
}
