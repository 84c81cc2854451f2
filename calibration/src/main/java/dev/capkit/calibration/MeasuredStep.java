package dev.capkit.calibration;

import java.util.Map;

/**
 * One open-loop step of a measured run, as calibration uses it.
 *
 * @param startOffsetSeconds where the step starts after the run's first step (steps are back to back)
 * @param kinds              request kinds with at least one success, by kind name
 * @param serverPromptMsPerToken the engine's own prompt time per prompt token over the step, in ms:
 *                           the growth of {@code llamacpp:prompt_seconds_total} over that of
 *                           {@code llamacpp:prompt_tokens_total} between the first and last scrape inside the
 *                           step ({@code server-metrics.jsonl}); NaN when the run has no such samples
 */
public record MeasuredStep(
    String id, int index, double offeredQps, double durationSeconds, double startOffsetSeconds, double achievedQps,
    Map<String, MeasuredKind> kinds, double serverPromptMsPerToken) {}
