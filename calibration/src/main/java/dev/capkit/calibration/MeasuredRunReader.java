package dev.capkit.calibration;

import dev.capkit.core.results.CorruptFileException;
import dev.capkit.core.results.KindSummary;
import dev.capkit.core.results.LatencyStats;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RequestLogReader;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.results.TargetInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a run folder (results format v1, {@code RunReader}) for calibration, refusing what cannot be
 * fitted with the file, field and value named: a folder without {@code run.json}, a run whose
 * {@code target.basis} is not {@code measured} (capkit's emulator answered: fitting the twin to its
 * own output is circular), a run with no usable step (open loop, at least one success).
 * Closed-loop steps are skipped with a note (the replay is open loop). When the run scraped a
 * llama.cpp server's counters ({@code server-metrics.jsonl}, {@code llamacpp:prompt_seconds_total} and
 * {@code llamacpp:prompt_tokens_total}) each step also carries the engine's prompt time per token.
 *
 * <pre>{@code
 * MeasuredRun run = MeasuredRunReader.read(Path.of("runs/llamacpp-2026..."));
 * run.steps().get(0).kinds().get("chat").ttft().p50();
 * }</pre>
 */
public final class MeasuredRunReader {
  private MeasuredRunReader() {}

  public static MeasuredRun read(Path folder) {
    Path runJson = folder.resolve("run.json");
    if (!Files.isDirectory(folder) || !Files.isRegularFile(runJson)) {
      throw new CalibrationException(folder + ": not a run folder (no run.json)");
    }
    RunReader.Run run;
    try {
      run = RunReader.read(folder);
    } catch (IOException e) {
      throw new CalibrationException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new CalibrationException(runJson + ": unreadable: " + e.getMessage(), e);
    }
    TargetInfo target = run.manifest().target();
    if (target == null) {
      throw new CalibrationException(runJson + ": target: missing");
    }
    if (!TargetInfo.MEASURED.equals(target.basis())) {
      throw new CalibrationException(runJson + ": target.basis: \"" + target.basis() + "\": calibration fits measured runs"
          + " only (capkit's emulator answered this run at " + target.url() + "; its timing is the twin itself, fitting"
          + " the twin to it is circular)");
    }
    var scenario = run.manifest().scenario();
    Map<String, Map<String, Object>> mix = new LinkedHashMap<>();
    for (Map<String, Object> m : scenario.mix()) {
      mix.put(String.valueOf(m.get("kind")), m);
    }
    List<dev.capkit.core.results.ServerSample> samples = serverSamples(folder);
    List<MeasuredStep> steps = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Instant first = null;
    for (StepSummary s : run.steps()) {
      Instant started = Instant.parse(s.startedAt());
      if (first == null) {
        first = started;
      }
      if (!"qps".equals(s.unit())) {
        skipped.add(s.id() + ": closed loop (" + s.offered() + " " + s.unit() + "); calibrate replays open-loop steps");
        continue;
      }
      Map<String, MeasuredKind> kinds = new LinkedHashMap<>();
      for (Map.Entry<String, KindSummary> k : s.kinds().entrySet()) {
        KindSummary ks = k.getValue();
        if (ks.ok() == 0) {
          continue;
        }
        Map<String, Object> m = mix.getOrDefault(k.getKey(), Map.of());
        Integer maxTokens = m.get("maxTokens") instanceof Number n ? n.intValue() : null;
        boolean stream = !Boolean.FALSE.equals(m.get("stream"));
        int w = 0;
        int h = 0;
        if ("phone-step".equals(m.get("type"))) {
          String[] size = String.valueOf(m.getOrDefault("screenshot", "1080x2400")).split("x");
          w = Integer.parseInt(size[0]);
          h = Integer.parseInt(size[1]);
        }
        kinds.put(k.getKey(), new MeasuredKind(k.getKey(), ks.ok(), (double) ks.promptTokens() / ks.ok(),
            (double) ks.completionTokens() / ks.ok(), stream, maxTokens, w, h, stat(ks, Metric.TTFT), stat(ks, Metric.TPOT),
            stat(ks, Metric.ITL), stat(ks, Metric.E2E)));
      }
      if (kinds.isEmpty()) {
        skipped.add(s.id() + ": no successful request");
        continue;
      }
      steps.add(new MeasuredStep(s.id(), s.index(), s.offered(), s.durationSeconds(), plannedStart(scenario, s, started, first),
          s.achievedQps(), kinds, promptMsPerToken(samples, started, s)));
    }
    if (steps.isEmpty()) {
      throw new CalibrationException(runJson + ": steps: no usable step (" + (run.steps().isEmpty() ? "none finished"
          : String.join("; ", skipped)) + ")");
    }
    List<ReplayRequest> requests = requests(folder, first, steps);
    return new MeasuredRun(folder, run.manifest().runId(), target.tier(), target.model(), scenario.warmupSeconds(), steps,
        requests, skipped);
  }

  /** The step's planned start after the first step (steps run back to back); else from the recorded start times. */
  private static double plannedStart(dev.capkit.core.results.ScenarioInfo scenario, StepSummary s, Instant started, Instant first) {
    List<dev.capkit.core.results.ScenarioInfo.PlannedStep> planned = scenario.plannedSteps();
    if (planned != null && s.index() < planned.size() && planned.get(s.index()).id().equals(s.id())) {
      return planned.get(s.index()).startOffsetSeconds() - planned.get(0).startOffsetSeconds();
    }
    return (started.toEpochMilli() - first.toEpochMilli()) / 1000.0;
  }

  static final String PROMPT_SECONDS = "llamacpp:prompt_seconds_total";
  static final String PROMPT_TOKENS = "llamacpp:prompt_tokens_total";

  private static List<dev.capkit.core.results.ServerSample> serverSamples(Path folder) {
    try {
      return dev.capkit.core.results.ServerSamplesReader.read(folder)
          .map(dev.capkit.core.results.ServerSamplesReader.Samples::samples).orElse(List.of());
    } catch (IOException | RuntimeException e) {
      throw new CalibrationException(folder.resolve(dev.capkit.core.results.ServerSamplesReader.FILE_NAME) + ": unreadable: "
          + e.getMessage(), e);
    }
  }

  /**
   * The engine's prompt ms per prompt token over one step: counter growth between the first and the last
   * successful scrape inside [start, end] of the step; NaN without two such scrapes or without prompt tokens.
   */
  static double promptMsPerToken(List<dev.capkit.core.results.ServerSample> samples, Instant started, StepSummary s) {
    long from = started.toEpochMilli();
    long to = s.endedAt() == null ? from + Math.round(s.durationSeconds() * 1000) : Instant.parse(s.endedAt()).toEpochMilli();
    dev.capkit.core.results.ServerSample first = null;
    dev.capkit.core.results.ServerSample last = null;
    for (dev.capkit.core.results.ServerSample x : samples) {
      if (!x.ok() || x.epochMillis() < from || x.epochMillis() > to
          || Double.isNaN(x.value(PROMPT_SECONDS)) || Double.isNaN(x.value(PROMPT_TOKENS))) {
        continue;
      }
      if (first == null) {
        first = x;
      }
      last = x;
    }
    if (first == null || last == first) {
      return Double.NaN;
    }
    double tokens = last.value(PROMPT_TOKENS) - first.value(PROMPT_TOKENS);
    double seconds = last.value(PROMPT_SECONDS) - first.value(PROMPT_SECONDS);
    return tokens > 0 && seconds > 0 ? seconds / tokens * 1e3 : Double.NaN;
  }

  private static LatencyStats stat(KindSummary k, Metric m) {
    return k.metrics().getOrDefault(m.key(), LatencyStats.EMPTY);
  }

  /** Successful requests of the usable steps from requests.jsonl, by intended send time after the first step opened. */
  private static List<ReplayRequest> requests(Path folder, Instant first, List<MeasuredStep> steps) {
    java.util.Optional<List<RequestLogReader.Entry>> log;
    try {
      log = RequestLogReader.read(folder);
    } catch (IOException | RuntimeException e) {
      throw new CalibrationException(folder.resolve(RequestLogReader.FILE_NAME) + ": unreadable: " + e.getMessage(), e);
    }
    if (log.isEmpty()) {
      return List.of();
    }
    java.util.Set<String> usable = new java.util.HashSet<>();
    steps.forEach(s -> usable.add(s.id()));
    long origin = first.toEpochMilli() * 1000;
    List<ReplayRequest> out = new ArrayList<>();
    for (RequestLogReader.Entry e : log.get()) {
      RequestRecord r = e.record();
      if (!usable.contains(e.step()) || !r.ok() || r.promptTokens() < 1 || r.completionTokens() < 1) {
        continue;
      }
      long intended = r.startEpochMicros() - r.scheduleLagNanos() / 1000;
      out.add(new ReplayRequest(e.step(), Math.max(0, (intended - origin) / 1e6), r.kind(), r.promptTokens(),
          r.completionTokens(), r.ttftNanos() >= 0));
    }
    out.sort(java.util.Comparator.comparingDouble(ReplayRequest::offsetSeconds));
    return out;
  }
}
