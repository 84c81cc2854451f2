package dev.capkit.planner.capacity;

/**
 * The knee of a latency-versus-rate curve found by {@link KneeFinder}: beyond it latency grows
 * faster than load. Undefined (NaN with the reason) when the curve has too few points or no knee.
 *
 * @param rate            requests/s at the knee
 * @param latencyMs       the curve's latency there
 * @param metric          which latency, e.g. {@code e2e.p99}
 * @param sensitivity     Kneedle's S
 * @param undefinedReason null when defined
 */
public record Knee(double rate, double latencyMs, String metric, double sensitivity, String undefinedReason) {
  public boolean defined() {
    return undefinedReason == null;
  }
}
