package dev.capkit.planner.sizing;

/**
 * One strategy's requests and limits for the serving container. CPU in cores, memory in bytes;
 * NaN for "not set" (a CPU limit) or when undefined.
 *
 * <pre>{@code
 * ContainerSizing s = new VpaStrategy(VpaSettings.defaults()).recommend(series, settings);
 * s.defined() ? s.cpuRequest() : s.undefinedReason();
 * }</pre>
 *
 * @param cpuLower / cpuUpper    VPA's lower and upper bounds (NaN for strategies without them)
 * @param samples                CPU-rate samples used
 */
public record ContainerSizing(String strategy, String rule, double cpuRequest, double cpuLimit, double memoryRequest,
    double memoryLimit, double cpuLower, double cpuUpper, int samples, double spanSeconds, String undefinedReason) {

  public static ContainerSizing undefined(String strategy, String rule, ResourceSeries s, String reason) {
    return new ContainerSizing(strategy, rule, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        s.cpuCores().length, s.spanSeconds(), reason);
  }

  public boolean defined() {
    return undefinedReason == null;
  }
}
