package dev.capkit.planner.sizing;

import dev.capkit.planner.stats.Statistics;
import java.util.Arrays;
import java.util.Locale;

/**
 * Kubernetes VPA's recommender rule: CPU target = p90 of usage, memory target = p90 of per-window
 * peaks, both plus a 15% safety margin; bounds from p50 and p95; floors of 25 millicores and
 * 250 MiB per pod. VPA sets no limit of its own; capkit sets no CPU limit (throttling the
 * tokenizer and scheduler would show up as TTFT) and a memory limit at the highest peak plus the
 * margin. VPA's OOM bump (x1.2) needs an observed OOM, which a load test does not record.
 *
 * <pre>{@code
 * ContainerSizing s = new VpaStrategy(VpaSettings.defaults()).recommend(series, SizingSettings.defaults());
 * }</pre>
 */
public record VpaStrategy(VpaSettings settings) implements SizingStrategy {
  private static final Statistics STATS = Statistics.standard();

  @Override
  public String name() {
    return "vpa";
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "VPA: CPU p%.0f x %.2f, memory p%.0f of %.0f-s peaks x %.2f, floors %.0fm / %.0f MiB; no CPU limit,"
            + " memory limit = max peak x %.2f", settings.targetPercentile() * 100, 1 + settings.safetyMargin(),
        settings.targetPercentile() * 100, settings.peakWindowSeconds(), 1 + settings.safetyMargin(), settings.minCpuCores() * 1000,
        settings.minMemoryBytes() / (1 << 20), 1 + settings.safetyMargin());
  }

  @Override
  public ContainerSizing recommend(ResourceSeries series, SizingSettings all) {
    String insufficient = SizingStrategy.insufficient(series, all);
    if (insufficient != null) {
      return ContainerSizing.undefined(name(), describe(), series, insufficient);
    }
    double m = 1 + settings.safetyMargin();
    double[] cpu = series.cpuCores();
    double[] peaks = series.memoryPeaks(settings.peakWindowSeconds());
    double cpuTarget = Math.max(settings.minCpuCores(), STATS.quantile(cpu, settings.targetPercentile()) * m);
    double cpuLower = Math.max(settings.minCpuCores(), STATS.quantile(cpu, settings.lowerPercentile()) * m);
    double cpuUpper = Math.max(settings.minCpuCores(), STATS.quantile(cpu, settings.upperPercentile()) * m);
    double memTarget = Math.max(settings.minMemoryBytes(), STATS.quantile(peaks, settings.targetPercentile()) * m);
    double memLimit = Math.max(memTarget, Arrays.stream(series.memoryBytes()).max().orElse(0) * m);
    return new ContainerSizing(name(), describe(), cpuTarget, Double.NaN, memTarget, memLimit, cpuLower, cpuUpper, cpu.length,
        series.spanSeconds(), null);
  }
}
