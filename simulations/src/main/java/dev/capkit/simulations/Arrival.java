package dev.capkit.simulations;

/**
 * One planned open-loop request: when it should be sent and what it is.
 *
 * @param sequence    0-based position in the whole run (also seeds the request's content)
 * @param step        index of the step it belongs to
 * @param offsetNanos intended send time, nanoseconds after the run origin
 * @param mixIndex    which entry of the scenario's request mix
 */
public record Arrival(long sequence, int step, long offsetNanos, int mixIndex) {}
