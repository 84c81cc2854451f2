package dev.capkit.planner.sizing;

/**
 * Settings of {@link VpaStrategy}, defaults from Kubernetes' Vertical Pod Autoscaler recommender.
 *
 * @param targetPercentile    CPU and memory-peak percentile of the target (VPA: 0.9)
 * @param lowerPercentile     lower bound percentile (VPA: 0.5)
 * @param upperPercentile     upper bound percentile (VPA: 0.95)
 * @param safetyMargin        added on top (VPA: 0.15)
 * @param minCpuCores         floor per pod (VPA: 25 millicores)
 * @param minMemoryBytes      floor per pod (VPA: 250 MiB)
 * @param peakWindowSeconds   memory peaks are taken per window of this length (VPA: its aggregation interval, 24 h; a load
 *                            test is minutes, so shorter windows)
 */
public record VpaSettings(double targetPercentile, double lowerPercentile, double upperPercentile, double safetyMargin,
    double minCpuCores, double minMemoryBytes, double peakWindowSeconds) {

  public static VpaSettings defaults() {
    return new VpaSettings(0.9, 0.5, 0.95, 0.15, 0.025, 250.0 * (1 << 20), 30);
  }
}
