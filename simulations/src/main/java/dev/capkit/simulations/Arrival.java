package dev.capkit.simulations;

/**
 * One planned open-loop request: when it should be sent and what it is.
 *
 * @param sequence    0-based position in the whole run (injector shares split by it)
 * @param step        index of the step it belongs to
 * @param offsetNanos intended send time, nanoseconds after the run origin
 * @param mixIndex    which entry of the scenario's request mix
 * @param contentKey  seeds the request's content and plan key: its own sequence, or, in a step that
 *                    repeats an earlier step's rate and duration under another network profile, the
 *                    sequence of its twin in that earlier step (paired steps: same requests, same answers)
 */
public record Arrival(long sequence, int step, long offsetNanos, int mixIndex, long contentKey) {}
