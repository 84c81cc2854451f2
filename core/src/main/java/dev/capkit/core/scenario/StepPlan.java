package dev.capkit.core.scenario;

import java.time.Duration;

/**
 * One step of a run: one load level under one network profile, for a fixed duration.
 *
 * @param index    0-based position in the run
 * @param id       stable name, e.g. {@code s02-qps2-none}; used in file names
 * @param offered  offered load in {@code unit}
 * @param unit     {@code qps} or {@code agents}
 * @param network  network profile name ({@code none} for a direct connection)
 * @param start    offset of the step's start from the run's start
 * @param duration how long load is offered
 */
public record StepPlan(
    int index, String id, double offered, String unit, String network, Duration start, Duration duration) {

  public Duration end() {
    return start.plus(duration);
  }
}
