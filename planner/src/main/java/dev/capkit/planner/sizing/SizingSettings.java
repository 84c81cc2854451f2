package dev.capkit.planner.sizing;

import java.util.List;

/**
 * Typed settings of container sizing, as krr gives each strategy its own validated settings type.
 *
 * <pre>{@code
 * SizingSettings s = SizingSettings.defaults().withStrategy("simple");
 * }</pre>
 *
 * @param strategy      the strategy whose figures go into the Deployment ({@code vpa} or {@code simple}); both are reported
 * @param vpa           settings of {@link VpaStrategy}
 * @param simple        settings of {@link SimpleStrategy}
 * @param minSamples    fewer CPU-rate samples than this: "undefined, because too few samples"
 * @param minSpanSeconds samples spanning less time than this: "undefined, because too short"
 * @param mmCacheGib    vLLM's multimodal processor cache ({@code --mm-processor-cache-gb}, default 4), sized into /dev/shm
 * @param shmExtraGib   /dev/shm beyond that cache for PyTorch/NCCL inter-process buffers
 */
public record SizingSettings(String strategy, VpaSettings vpa, SimpleSettings simple, int minSamples, double minSpanSeconds,
    double mmCacheGib, double shmExtraGib) {
  public static final List<String> STRATEGIES = List.of("vpa", "simple");

  public SizingSettings {
    if (!STRATEGIES.contains(strategy)) {
      throw new IllegalArgumentException("unknown sizing strategy '" + strategy + "' (known: " + String.join(", ", STRATEGIES) + ")");
    }
    if (minSamples < 2) {
      throw new IllegalArgumentException("minSamples: expected >= 2, got " + minSamples);
    }
  }

  public static SizingSettings defaults() {
    return new SizingSettings("vpa", VpaSettings.defaults(), SimpleSettings.defaults(), 10, 60, 4, 1);
  }

  public SizingSettings withStrategy(String v) {
    return new SizingSettings(v, vpa, simple, minSamples, minSpanSeconds, mmCacheGib, shmExtraGib);
  }

  /** The strategy of that name; an unknown name lists the known ones. */
  public SizingStrategy strategy(String name) {
    return switch (name) {
      case "vpa" -> new VpaStrategy(vpa);
      case "simple" -> new SimpleStrategy(simple);
      default -> throw new IllegalArgumentException("unknown sizing strategy '" + name + "' (known: " + String.join(", ", STRATEGIES) + ")");
    };
  }
}
