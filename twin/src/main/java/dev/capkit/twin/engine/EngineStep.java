package dev.capkit.twin.engine;

import dev.capkit.twin.physics.StepWork;
import java.util.List;

/**
 * The outcome of one engine step: how long it takes on the modelled GPU (after slowdown; 0 in the
 * instant profile), the tokens it samples (delivered at the step's end), what it computed, and
 * queue state after it.
 */
public record EngineStep(
    double seconds, List<Emission> emissions, StepWork work, int preempted, int running, int waiting, double kvUsage) {}
