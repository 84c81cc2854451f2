package dev.capkit.calibration;

/**
 * One measured request as the replay sends it again: when it was meant to be sent (seconds after
 * the run's first step opened), its kind and its exact token counts from {@code requests.jsonl}.
 */
public record ReplayRequest(
    String step, double offsetSeconds, String kind, int promptTokens, int completionTokens, boolean stream) {}
