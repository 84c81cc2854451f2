package dev.capkit.planner.sizing;

/**
 * Settings of {@link SimpleStrategy}, defaults from robusta-dev/krr's "simple" strategy.
 *
 * @param cpuPercentile     CPU request percentile (krr: 95)
 * @param memoryBufferShare added to the memory maximum (krr: 15%)
 */
public record SimpleSettings(double cpuPercentile, double memoryBufferShare) {
  public static SimpleSettings defaults() {
    return new SimpleSettings(95, 0.15);
  }
}
