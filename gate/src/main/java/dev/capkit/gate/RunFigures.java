package dev.capkit.gate;

import dev.capkit.core.results.KindSummary;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.StepSummary;
import dev.capkit.gate.stats.CountSeries;
import dev.capkit.gate.stats.SecondSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * Everything the gate compares, from a run folder ({@link #ofRun}) or a baseline file
 * ({@link BaselineReader}): the scenario's identity, the workload ({@link Workload}: objectives,
 * request shapes, load shape, emulator settings, target engine and model) and, per finished step,
 * counts and the E2E, TTFT and TPOT histograms per request kind.
 *
 * <pre>{@code
 * RunFigures current = RunFigures.ofRun(Path.of("simulations/target/capkit-runs/quickstart-20250101-120000"));
 * RunFigures baseline = BaselineReader.read(Path.of("baselines/smoke.json"));
 * }</pre>
 *
 * @param source  where the figures came from (folder or file), for messages
 * @param partial the run did not complete (killed, or still being written)
 */
public record RunFigures(String source, String runId, ScenarioIdentity scenario, boolean partial, List<StepFigures> steps, Workload workload) {

  /** The metrics whose histograms the gate keeps. */
  public static final List<Metric> METRICS = List.of(Metric.E2E, Metric.TTFT, Metric.TPOT);

  public RunFigures {
    steps = List.copyOf(steps);
  }

  /** Figures without a recorded workload (a format v1 baseline). */
  public RunFigures(String source, String runId, ScenarioIdentity scenario, boolean partial, List<StepFigures> steps) {
    this(source, runId, scenario, partial, steps, Workload.unrecorded());
  }

  /** Stands for "not known": a baseline of format v1 records no target. */
  public static final String UNRECORDED = "unrecorded";

  /**
   * What the figures are: {@code emulated} (capkit's emulator answered, run.json {@code target.kind}
   * {@code emulator}), {@code measured} (a real server), or {@value #UNRECORDED}.
   */
  public String basis() {
    String kind = workload.fields().get("target.kind");
    return kind == null ? UNRECORDED : "emulator".equals(kind) ? "emulated" : "measured";
  }

  public Optional<StepFigures> step(String id) {
    return steps.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Reads a run folder (results format v1); errors name the folder and the problem. */
  public static RunFigures ofRun(Path folder) throws IOException {
    RunReader.Run run = RunReader.read(folder);
    ScenarioInfo info = run.manifest().scenario();
    if (info == null) {
      throw new IOException(folder.resolve("run.json") + ": field 'scenario' missing");
    }
    List<StepFigures> steps = new ArrayList<>();
    for (StepSummary s : run.steps()) {
      Map<Metric, Map<String, Histogram>> byMetric = new LinkedHashMap<>();
      Map<Metric, Map<String, SecondSeries>> bySecond = new LinkedHashMap<>();
      for (Metric m : METRICS) {
        byMetric.put(m, run.histogram(s.id(), m)); // checked against run.json's counts
        bySecond.put(m, perSecond(run.intervalLog(s.id(), m), java.time.Instant.parse(s.startedAt()).toEpochMilli()));
      }
      Map<String, CountSeries> counts = counts(run.counts(s.id()).orElse(null)); // checked against run.json's counts
      Map<String, KindFigures> kinds = new LinkedHashMap<>();
      for (var e : s.kinds().entrySet()) {
        KindSummary k = e.getValue();
        Map<String, Histogram> hs = new LinkedHashMap<>();
        Map<String, SecondSeries> seconds = new LinkedHashMap<>();
        for (Metric m : METRICS) {
          Histogram h = byMetric.get(m).get(e.getKey());
          if (h != null && h.getTotalCount() > 0) {
            hs.put(m.key(), h);
            seconds.put(m.key(), bySecond.get(m).get(e.getKey()));
          }
        }
        kinds.put(e.getKey(), new KindFigures(k.sent(), k.ok(), hs, seconds, counts == null ? null : counts.get(e.getKey())));
      }
      long good = counts == null ? Math.round(s.goodputRps() * s.durationSeconds())
          : counts.values().stream().mapToLong(CountSeries::totalGood).sum();
      steps.add(new StepFigures(s.id(), s.offered(), s.unit(), s.network(), s.durationSeconds(), s.sent(), s.ok(), good, kinds));
    }
    com.fasterxml.jackson.databind.JsonNode target = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(java.nio.file.Files.readAllBytes(dev.capkit.core.results.RunLayout.of(folder).manifest())).path("target");
    return new RunFigures(folder.toString(), run.manifest().runId(), identity(info, run.manifest().target()), run.partial(), steps,
        Workload.of(info, target));
  }

  /**
   * A finished step's interval log as one histogram per second per kind: second {@code i} holds the
   * intervals that start {@code i} to {@code i + 1} seconds after the step started (the writer flushes
   * about every second; two flushes within one second are added), every kind padded with empty
   * histograms to the step's last second that has values.
   */
  static Map<String, SecondSeries> perSecond(Path log, long stepStartMillis) throws IOException {
    Map<String, java.util.TreeMap<Integer, Histogram>> byKind = new LinkedHashMap<>();
    int[] last = {-1};
    RunReader.forEachInterval(log, h -> {
      int second = (int) Math.max(0, Math.floorDiv(h.getStartTimeStamp() - stepStartMillis, 1000L));
      last[0] = Math.max(last[0], second);
      String kind = h.getTag() == null ? "untagged" : h.getTag();
      byKind.computeIfAbsent(kind, k -> new java.util.TreeMap<>()).computeIfAbsent(second, x -> newHistogram()).add(h);
    });
    Map<String, SecondSeries> out = new LinkedHashMap<>();
    byKind.forEach((kind, seconds) -> {
      List<Histogram> list = new ArrayList<>();
      for (int i = 0; i <= last[0]; i++) {
        list.add(seconds.getOrDefault(i, newHistogram()));
      }
      out.put(kind, SecondSeries.of(list));
    });
    return out;
  }

  /**
   * A step's counts file as one series per kind: second {@code i} sums the lines whose interval
   * started {@code i} to {@code i + 1} s after the step started; every kind padded to the step's last
   * second with counts. Null when the run kept none.
   */
  static Map<String, CountSeries> counts(dev.capkit.core.results.CountsLog.Content content) {
    if (content == null) {
      return null;
    }
    int seconds = content.lines().stream().mapToInt(l -> l.second() + 1).max().orElse(0);
    Map<String, long[][]> byKind = new java.util.TreeMap<>();
    for (var l : content.lines()) {
      long[][] c = byKind.computeIfAbsent(l.kind(), k -> new long[3][seconds]);
      c[0][l.second()] += l.sent();
      c[1][l.second()] += l.ok();
      c[2][l.second()] += l.good();
    }
    Map<String, CountSeries> out = new LinkedHashMap<>();
    byKind.forEach((kind, c) -> out.put(kind, CountSeries.of(c[0], c[1], c[2])));
    return out;
  }

  static ScenarioIdentity identity(ScenarioInfo info, dev.capkit.core.results.TargetInfo target) {
    Map<String, Double> mix = new LinkedHashMap<>();
    for (Map<String, Object> m : info.mix()) {
      mix.put(String.valueOf(m.get("kind")), ((Number) m.get("weight")).doubleValue());
    }
    return new ScenarioIdentity(info.name(), info.seed(), info.loadModel(), mix, target == null ? "unknown" : target.tier());
  }

  /** A histogram like the run folder's: microseconds, 1 µs to 1 h, 3 significant digits. */
  public static Histogram newHistogram() {
    return new Histogram(1, 3_600_000_000L, 3);
  }
}
