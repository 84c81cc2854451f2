package dev.capkit.calibration;

import java.util.Map;

/**
 * One open-loop step of a measured run, as calibration uses it.
 *
 * @param startOffsetSeconds where the step starts after the run's first step (steps are back to back)
 * @param kinds              request kinds with at least one success, by kind name
 */
public record MeasuredStep(
    String id, int index, double offeredQps, double durationSeconds, double startOffsetSeconds, double achievedQps,
    Map<String, MeasuredKind> kinds) {}
