package dev.capkit.planner.sizing;

/**
 * A container-sizing rule: a pure function from the serving process's CPU and memory usage to
 * requests and limits, like a krr strategy. Implementations answer "undefined, because ..." when
 * the samples are too few or too short instead of a guess.
 *
 * <pre>{@code
 * ContainerSizing vpa = SizingSettings.defaults().strategy("vpa").recommend(series, settings);
 * }</pre>
 */
public interface SizingStrategy {
  /** Registry name, e.g. {@code vpa}. */
  String name();

  /** One line for help and plan.md: the rule with its numbers. */
  String describe();

  ContainerSizing recommend(ResourceSeries series, SizingSettings settings);

  /** The common "too few / too short" check; null when the series is enough. */
  static String insufficient(ResourceSeries series, SizingSettings settings) {
    if (series.cpuCores().length < settings.minSamples() || series.memoryBytes().length < settings.minSamples()) {
      return String.format(java.util.Locale.ROOT, "undefined, because too few samples: %d CPU-rate and %d memory sample(s), need at least %d",
          series.cpuCores().length, series.memoryBytes().length, settings.minSamples());
    }
    if (series.spanSeconds() < settings.minSpanSeconds()) {
      return String.format(java.util.Locale.ROOT, "undefined, because the samples span only %.0f s, need at least %.0f s",
          series.spanSeconds(), settings.minSpanSeconds());
    }
    return null;
  }
}
