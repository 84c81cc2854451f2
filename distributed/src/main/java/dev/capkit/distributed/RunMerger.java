package dev.capkit.distributed;

import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.StepChecksums;
import dev.capkit.core.results.ShareNote;
import dev.capkit.core.results.StepSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the run folders of N injectors that ran shares of one scenario at the same time into one
 * run folder (results format v1), which the planner, report and gate read like any run.
 *
 * <ul>
 *   <li>interval logs are added exactly per step, metric and request kind, aligned by absolute
 *       second ({@link IntervalLogMerge}); per-second counts ({@code counts.csv}) likewise, when
 *       every injector kept them ({@link #mergeCounts});
 *   <li>step summaries are recomputed from the merged histograms and summed counters
 *       ({@link StepMerge}); a step is merged when every injector finished it;
 *   <li>status is {@code complete} only when every input is complete ({@code failed} when one
 *       failed, else {@code running});
 *   <li>runs of different scenarios, seeds or plans, or that do not overlap in time, are refused
 *       with {@link MergeRefusedException}.
 * </ul>
 *
 * <pre>{@code
 * RunManifest merged = RunMerger.merge(List.of(run0, run1, run2), Path.of("target/capkit-runs/merged"));
 * }</pre>
 */
public final class RunMerger {
  private static final Logger LOG = LoggerFactory.getLogger(RunMerger.class);
  static final String SERVER_METRICS = "server-metrics.jsonl";
  /** Injectors' starts of one step further apart than this get a note in the merged run. */
  static final long MAX_START_SKEW_MS = 1_000;

  private RunMerger() {}

  /** Merges {@code inputs} into the new folder {@code out} (which must not exist) and returns its manifest. */
  public static RunManifest merge(List<Path> inputs, Path out) throws IOException {
    if (inputs.isEmpty()) {
      throw new MergeRefusedException("no run folders to merge");
    }
    if (new LinkedHashSet<>(inputs.stream().map(p -> p.toAbsolutePath().normalize()).toList()).size() != inputs.size()) {
      throw new MergeRefusedException("the same run folder is given twice in " + inputs + ": it would be counted twice");
    }
    if (Files.exists(out)) {
      throw new IOException("run folder " + out + " already exists; refusing to overwrite a run");
    }
    List<RunReader.Run> runs = new ArrayList<>();
    for (Path p : inputs) {
      runs.add(RunReader.read(p));
    }
    RunCompatibility.check(runs);
    RunManifest first = runs.get(0).manifest();
    List<String> notes = new ArrayList<>();
    List<StepSummary> merged = new ArrayList<>();
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, ".capkit-merge-");
    try {
      for (StepSummary step : first.steps()) {
        List<StepSummary> parts = partsOf(runs, step.id());
        if (parts.size() < runs.size()) {
          notes.add("step " + step.id() + " left out of the merge: finished by " + parts.size() + " of "
              + runs.size() + " injectors");
          continue;
        }
        long stepStart = parts.stream().mapToLong(p -> Instant.parse(p.startedAt()).toEpochMilli()).min().orElseThrow();
        long skew = parts.stream().mapToLong(p -> Instant.parse(p.startedAt()).toEpochMilli()).max().orElseThrow() - stepStart;
        if (skew > MAX_START_SKEW_MS) {
          notes.add(String.format(java.util.Locale.ROOT, "step %s: the injectors started it %.1f s apart (a missed common start"
              + " instant?): its rates are over the union of their windows, so they understate the offered load's peak",
              step.id(), skew / 1000.0));
        }
        Map<Metric, Map<String, Histogram>> byMetric = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
          byMetric.put(m, IntervalLogMerge.merge(inputs, parts, m, stepStart,
              staging.resolve(step.id()).resolve(m.key() + ".hlog")));
        }
        mergeCounts(runs, step.id(), stepStart, staging.resolve(step.id()).resolve(dev.capkit.core.results.CountsLog.FILE_NAME));
        merged.add(StepMerge.merge(parts, byMetric, first.scenario().maxErrorRate()));
      }
      String status = status(runs);
      RunManifest manifest = new RunManifest(first.capkitResults(), RunManifest.RUNNING, out.getFileName().toString(),
          first.scenario(), first.target(), first.software(), first.histogramUnit(), earliestStart(runs), null,
          merged, mergedNotes(runs, notes), null);
      // run.json says "running" until the logs are in place, then the writer replaces it atomically
      try (RunWriter writer = RunWriter.create(out, manifest, Clock.fixed(latestEnd(runs), ZoneOffset.UTC), false)) {
        for (StepSummary s : merged) {
          Files.move(staging.resolve(s.id()), out.resolve("steps").resolve(s.id()));
          StepChecksums.write(dev.capkit.core.results.RunLayout.of(out).stepDir(s.id()));
        }
        copyServerSamples(inputs, out);
        writer.complete(status, null);
      }
      LOG.info("merged {} runs into {}: {} steps, status {}", runs.size(), out, merged.size(), status);
    } finally {
      deleteTree(staging);
    }
    return RunReader.read(out).manifest();
  }

  /**
   * Writes the step's merged per-second counts: every injector's lines moved to the merged step's
   * start (by absolute time, as the interval logs), lines of the same interval start and kind added.
   * Nothing when an injector kept none (a run written before counts existed): the merged run then
   * has none either, as such a run.
   */
  static void mergeCounts(List<RunReader.Run> runs, String stepId, long stepStart, Path out) throws IOException {
    java.util.TreeMap<Long, java.util.TreeMap<String, long[]>> lines = new java.util.TreeMap<>();
    for (RunReader.Run r : runs) {
      Optional<dev.capkit.core.results.CountsLog.Content> counts = r.counts(stepId); // checked against that run's run.json
      if (counts.isEmpty()) {
        return;
      }
      long partStart = Instant.parse(r.step(stepId).orElseThrow().startedAt()).toEpochMilli();
      for (var l : counts.get().lines()) {
        long[] c = lines.computeIfAbsent(partStart + l.startMillis() - stepStart, x -> new java.util.TreeMap<>())
            .computeIfAbsent(l.kind(), k -> new long[3]);
        c[0] += l.sent();
        c[1] += l.ok();
        c[2] += l.good();
      }
    }
    StringBuilder b = new StringBuilder(dev.capkit.core.results.CountsLog.header(stepId));
    lines.forEach((start, kinds) -> kinds.forEach((kind, c) -> b.append(dev.capkit.core.results.CountsLog.line(start, kind, c))));
    Files.createDirectories(out.getParent());
    Files.writeString(out, b, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static List<StepSummary> partsOf(List<RunReader.Run> runs, String stepId) {
    List<StepSummary> parts = new ArrayList<>();
    for (RunReader.Run r : runs) {
      r.steps().stream().filter(s -> s.id().equals(stepId)).findFirst().ifPresent(parts::add);
    }
    return parts;
  }

  static String status(List<RunReader.Run> runs) {
    if (runs.stream().allMatch(r -> RunManifest.COMPLETE.equals(r.manifest().status()))) {
      return RunManifest.COMPLETE;
    }
    if (runs.stream().anyMatch(r -> RunManifest.FAILED.equals(r.manifest().status()))) {
      return RunManifest.FAILED;
    }
    return RunManifest.RUNNING;
  }

  private static String earliestStart(List<RunReader.Run> runs) throws MergeRefusedException {
    Instant min = null;
    for (RunReader.Run r : runs) {
      Instant s = RunCompatibility.start(r);
      min = min == null || s.isBefore(min) ? s : min;
    }
    return min.toString();
  }

  private static Instant latestEnd(List<RunReader.Run> runs) throws MergeRefusedException {
    Instant max = null;
    for (RunReader.Run r : runs) {
      Instant e = RunCompatibility.end(r);
      max = max == null || e.isAfter(max) ? e : max;
    }
    return max;
  }

  private static List<String> mergedNotes(List<RunReader.Run> runs, List<String> own) {
    Set<String> notes = new LinkedHashSet<>();
    List<String> shares = new ArrayList<>();
    for (RunReader.Run r : runs) {
      for (String n : r.manifest().notes()) {
        ShareNote.share(n).ifPresentOrElse(shares::add, () -> notes.add(n)); // true of the input, not of the merge
      }
    }
    List<String> all = new ArrayList<>();
    all.add("merged from " + runs.size() + " injector runs" + (shares.isEmpty() ? "" : " (shares " + String.join(", ", shares) + ")")
        + ": " + String.join(", ", runs.stream().map(r -> r.manifest().runId()).toList()));
    all.addAll(notes);
    all.addAll(own);
    return List.copyOf(new LinkedHashSet<>(all));
  }

  /** Server scrapes describe the one target, not an injector: the first input's are kept. */
  private static void copyServerSamples(List<Path> inputs, Path out) throws IOException {
    Optional<Path> found = inputs.stream().map(p -> p.resolve(SERVER_METRICS)).filter(Files::exists).findFirst();
    if (found.isPresent()) {
      Files.copy(found.get(), out.resolve(SERVER_METRICS));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
