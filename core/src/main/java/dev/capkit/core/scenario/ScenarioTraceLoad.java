package dev.capkit.core.scenario;

import dev.capkit.core.workload.TraceFormat;
import dev.capkit.core.workload.TraceRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code load} of a trace replay ({@code "model": "trace"}) into a {@link LoadShape.Trace}:
 * {@code trace} (file, relative to the scenario file), {@code format} ({@code mooncake} or
 * {@code burstgpt}), {@code speed} (a factor or a list of factors, default 1; each one step),
 * optional {@code stepDuration} (replay only that much of the sped-up trace) and {@code warmup}
 * (default {@code 0s}: the trace's beginning replayed for that long before the first step, not
 * recorded). The trace is read here, so a bad line stops the run before any load, naming
 * {@code file:line} and the field.
 */
final class ScenarioTraceLoad {
  private ScenarioTraceLoad() {}

  static LoadShape.Trace read(JsonFields l, Map<String, String> o, String source) {
    String name = l.string("trace", null);
    Path base = Path.of(source).toAbsolutePath().getParent();
    Path file = base == null ? Path.of(name).toAbsolutePath() : base.resolve(name).normalize();
    if (!Files.isRegularFile(file)) {
      throw l.error("trace", "'" + name + "' is not a file (looked for " + file + ")");
    }
    String formatName = l.string("format", null);
    TraceFormat format = TraceFormat.named(formatName, source, l.field("format"));
    List<TraceRequest> lines = format.read(file);
    long[] offsets = new long[lines.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = lines.get(i).offsetMicros();
    }
    List<Double> speeds = speeds(l);
    if (o.containsKey("speed")) {
      speeds = new ArrayList<>();
      for (String v : o.get("speed").split("\\s*,\\s*")) {
        speeds.add(speed("-Dcapkit.speed", "", v));
      }
    }
    Duration cut = l.has("stepDuration") ? l.duration("stepDuration", null) : Duration.ZERO;
    if (o.containsKey("duration")) {
      cut = ScenarioLoader.overrideDuration(o, "duration");
    }
    if (!cut.isZero() && cut.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ScenarioException(o.containsKey("duration") ? "-Dcapkit.duration" : source,
          o.containsKey("duration") ? "" : "load.stepDuration", "'" + Durations.format(cut) + "' is shorter than 1s");
    }
    Duration warmup = l.duration("warmup", "0s");
    if (o.containsKey("warmup")) {
      warmup = ScenarioLoader.overrideDurationOrZero(o, "warmup");
    }
    for (String other : List.of("qps", "agents", "burstiness", "maxConcurrency", "rampUp")) {
      if (o.containsKey(other)) {
        throw new ScenarioException("-Dcapkit." + other, "", "this scenario replays a trace (load.model=trace) at"
            + " its own timing: use -Dcapkit.speed=F (a factor on the trace's rate) instead");
      }
    }
    l.rejectUnknown();
    LoadShape.Trace shape = new LoadShape.Trace(file.toString(), format.name().toLowerCase(java.util.Locale.ROOT),
        speeds, offsets, cut, warmup);
    for (int i = 0; i < shape.levels(); i++) {
      if (shape.lines(i) == 0) {
        throw new ScenarioException(source, "load.stepDuration", "no request of the trace falls in the first "
            + Durations.format(cut) + " at speed " + JsonFields.trim(speeds.get(i)));
      }
    }
    return shape;
  }

  private static List<Double> speeds(JsonFields l) {
    if (!l.has("speed")) {
      return List.of(1.0);
    }
    if (l.raw("speed").isNumber()) {
      return List.of(l.number("speed", null, 0.001, 1000));
    }
    return l.list("speed", e -> {
      if (!e.node().isNumber()) {
        throw e.error("expected a speed factor in [0.001, 1000], found " + JsonFields.describe(e.node()));
      }
      return speed(e.source(), e.path(), e.node().asText());
    });
  }

  private static double speed(String where, String field, String text) {
    try {
      double v = Double.parseDouble(text.trim());
      if (!(v >= 0.001 && v <= 1000)) {
        throw new ScenarioException(where, field, "speed " + text + " must be in [0.001, 1000]");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ScenarioException(where, field, "'" + text + "' is not a speed factor (a number, e.g. 2 = twice as fast)");
    }
  }
}
