package dev.capkit.core.results;

/**
 * One objective judged on one step: the measured value against the threshold.
 *
 * @param key      objective key, e.g. {@code ttft.p99} or {@code errors}
 * @param limit    threshold: milliseconds, or a share for {@code errors}
 * @param actual   measured value in the same unit; NaN when nothing was measured
 * @param met      whether the objective held (false when nothing was measured)
 */
public record SloVerdict(String key, double limit, double actual, boolean met) {}
