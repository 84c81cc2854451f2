package dev.capkit.planner.sizing;

import dev.capkit.planner.stats.Statistics;
import java.util.Arrays;
import java.util.Locale;

/**
 * robusta-dev/krr's "simple" strategy: CPU request = p95 of usage, no CPU limit; memory request =
 * limit = maximum usage plus 15%.
 *
 * <pre>{@code
 * ContainerSizing s = new SimpleStrategy(SimpleSettings.defaults()).recommend(series, SizingSettings.defaults());
 * }</pre>
 */
public record SimpleStrategy(SimpleSettings settings) implements SizingStrategy {
  private static final Statistics STATS = Statistics.standard();

  @Override
  public String name() {
    return "simple";
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "krr simple: CPU request p%.0f, no CPU limit; memory request = limit = max x %.2f",
        settings.cpuPercentile(), 1 + settings.memoryBufferShare());
  }

  @Override
  public ContainerSizing recommend(ResourceSeries series, SizingSettings all) {
    String insufficient = SizingStrategy.insufficient(series, all);
    if (insufficient != null) {
      return ContainerSizing.undefined(name(), describe(), series, insufficient);
    }
    double cpu = STATS.quantile(series.cpuCores(), settings.cpuPercentile() / 100);
    double mem = Arrays.stream(series.memoryBytes()).max().orElse(Double.NaN) * (1 + settings.memoryBufferShare());
    return new ContainerSizing(name(), describe(), cpu, Double.NaN, mem, mem, Double.NaN, Double.NaN, series.cpuCores().length,
        series.spanSeconds(), null);
  }
}
