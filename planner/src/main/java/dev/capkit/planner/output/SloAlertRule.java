package dev.capkit.planner.output;

/**
 * One Prometheus alerting rule derived from an objective.
 *
 * @param alert     the alert's name, e.g. {@code E2eP99AboveSlo}
 * @param expr      PromQL; true (a non-empty result) while the objective is judged broken
 * @param forText   how long {@code expr} must hold before the alert fires, e.g. {@code 2m}
 * @param severity  {@code page} when the series prove the objective broken, {@code warning} when
 *                  they only allow it (the limit lies between two histogram buckets)
 * @param objective the objective's key, e.g. {@code e2e.p99} or {@code errors}
 * @param summary   the {@code summary} annotation: what broke, and what the series can tell
 */
public record SloAlertRule(String alert, String expr, String forText, String severity, String objective, String summary) {}
