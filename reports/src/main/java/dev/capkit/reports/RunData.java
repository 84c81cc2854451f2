package dev.capkit.reports;

import dev.capkit.core.results.CorruptFileException;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run folder as the report needs it: core's reading of {@code run.json}, the interval logs of
 * every finished step for the metrics the report plots, and what is missing (partial run,
 * unfinished steps, absent logs) in words for the page.
 *
 * @param logs    step id to metric to its interval log (absent logs are present here, empty)
 * @param missing sentences naming what the page cannot show for this run and why
 * @param corrupt step id to the first corrupt interval log found in it (file, line, why): the page
 *                marks those steps "corrupt" and plots nothing from their corrupt logs
 */
record RunData(RunReader.Run run, Map<String, Map<Metric, IntervalLog>> logs, List<String> missing, Map<String, String> corrupt) {

  /** The metrics read from the interval logs: the plotted ones and the two that count requests per second. */
  static final List<Metric> READ = List.of(Metric.E2E, Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.SCHEDULE_LAG);

  static RunData load(Path folder) throws ReportException {
    RunReader.Run run;
    try {
      run = RunReader.read(folder);
    } catch (IOException | RuntimeException e) {
      String m = String.valueOf(e.getMessage());
      throw new ReportException(m.contains(folder.toString()) ? m : "run folder " + folder + ": " + m, e);
    }
    List<String> missing = new ArrayList<>();
    if (run.partial()) {
      missing.add(String.format("run %s: status is '%s' in %s: the run did not finish; %d of %d planned step(s) shown%s", id(run),
          run.manifest().status(), folder.resolve("run.json"), run.steps().size(), run.steps().size() + run.unfinishedSteps().size(),
          run.unfinishedSteps().isEmpty() ? "" : ", not finished: " + String.join(", ", run.unfinishedSteps())));
    }
    Map<String, Map<Metric, IntervalLog>> logs = new LinkedHashMap<>();
    Map<String, String> corrupt = new LinkedHashMap<>();
    for (StepSummary s : run.steps()) {
      Map<Metric, IntervalLog> byMetric = new LinkedHashMap<>();
      for (Metric m : READ) {
        Path file = dev.capkit.core.results.RunLayout.of(folder).hlog(s.id(), m);
        try {
          IntervalLog log = IntervalLog.read(file);
          if (!log.exists() && m != Metric.SCHEDULE_LAG && s.ok() > 0) {
            missing.add("run " + id(run) + ", step " + s.id() + ": no interval log " + file + ": its " + m.key() + " distribution is not plotted");
          }
          if (log.exists()) {
            RunReader.crossCheckCounts(file, s, m, log.byKind());
          }
          byMetric.put(m, log);
        } catch (CorruptFileException e) {
          missing.add("run " + id(run) + ", step " + s.id() + ": CORRUPT: " + e.getMessage() + ": its " + m.key() + " is not plotted");
          corrupt.putIfAbsent(s.id(), e.getMessage());
          byMetric.put(m, IntervalLog.empty(file));
        } catch (IOException | RuntimeException e) {
          missing.add("run " + id(run) + ", step " + s.id() + ": interval log " + file + " unreadable (" + e.getMessage() + ")");
          byMetric.put(m, IntervalLog.empty(file));
        }
      }
      logs.put(s.id(), byMetric);
    }
    return new RunData(run, logs, List.copyOf(missing), Map.copyOf(corrupt));
  }

  String id() {
    return id(run);
  }

  Path folder() {
    return run.folder();
  }

  List<StepSummary> steps() {
    return run.steps();
  }

  String tier() {
    return run.manifest().target() == null || run.manifest().target().tier() == null ? "unknown tier" : run.manifest().target().tier();
  }

  String scenario() {
    return run.manifest().scenario() == null ? "unknown scenario" : run.manifest().scenario().name();
  }

  /** Whether the run offered an open-loop load (objectives on E2E and TTFT judged from the intended send time). */
  boolean openLoop() {
    return run.manifest().scenario() == null || !"closed".equals(run.manifest().scenario().loadModel());
  }

  /** Offered-load unit for axis titles: requests/s for open loop, agents for closed loop. */
  String loadUnit() {
    String unit = run.steps().isEmpty() ? "qps" : run.steps().get(0).unit();
    return "agents".equals(unit) ? "agents" : "req/s";
  }

  /** Seconds since the run started (run.json startedAt), NaN when either time is absent. */
  double sinceStart(String iso) {
    Instant start = instant(run.manifest().startedAt());
    Instant t = instant(iso);
    return start == null || t == null ? Double.NaN : (t.toEpochMilli() - start.toEpochMilli()) / 1000.0;
  }

  double startEpochSeconds() {
    Instant start = instant(run.manifest().startedAt());
    return start == null ? Double.NaN : start.toEpochMilli() / 1000.0;
  }

  /** Distinct network profiles in step order. */
  List<String> networks() {
    return run.steps().stream().map(StepSummary::network).distinct().toList();
  }

  static Instant instant(String iso) {
    if (iso == null) {
      return null;
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String id(RunReader.Run run) {
    return run.manifest().runId() == null ? run.folder().getFileName().toString() : run.manifest().runId();
  }
}
