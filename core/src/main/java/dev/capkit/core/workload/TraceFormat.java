package dev.capkit.core.workload;

import dev.capkit.core.scenario.ScenarioException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The timestamped trace formats capkit replays, by their scenario name ({@code workload.format}). */
public enum TraceFormat {
  /** {@link MooncakeTraceReader}. */
  MOONCAKE,
  /** {@link BurstGptTraceReader}. */
  BURSTGPT;

  /** Reads {@code file} in this format. */
  public List<TraceRequest> read(Path file) {
    return this == MOONCAKE ? MooncakeTraceReader.read(file) : BurstGptTraceReader.read(file);
  }

  /** The format called {@code name} ({@code mooncake} or {@code burstgpt}); errors name {@code source} and {@code field}. */
  public static TraceFormat named(String name, String source, String field) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "mooncake" -> MOONCAKE;
      case "burstgpt" -> BURSTGPT;
      default -> throw new ScenarioException(source, field, "unknown trace format '" + name
          + "'; expected mooncake or burstgpt");
    };
  }
}
