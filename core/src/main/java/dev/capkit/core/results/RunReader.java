package dev.capkit.core.results;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Reads a capkit run folder. This javadoc is the specification of <b>results format v1</b>.
 *
 * <h2>Layout</h2>
 * <pre>
 * &lt;run folder&gt;/
 *   run.json                      manifest + per-step summaries (JSON, UTF-8)
 *   steps/&lt;step id&gt;/&lt;metric&gt;.hlog  one HdrHistogram interval log per metric per step
 * </pre>
 *
 * <h2>run.json</h2>
 * An object ({@link RunManifest}) with: {@code capkitResults} (format version, integer, {@code 1});
 * {@code status} ({@code running}: being written or the writer died; {@code complete};
 * {@code failed}); {@code runId}; {@code scenario} (the effective scenario, {@link ScenarioInfo},
 * with {@code plannedSteps}); {@code target} ({@link TargetInfo}: url, model, kind
 * {@code emulator|remote}, tier; never credentials); {@code software} (versions); {@code histogramUnit}
 * ({@code microseconds}); {@code startedAt}/{@code endedAt} (ISO-8601 UTC, {@code endedAt} null
 * while running); {@code steps} (one {@link StepSummary} per <em>finished</em> step, in index
 * order; latency figures in milliseconds, rates per second over the step's measured window);
 * {@code notes} (warnings); {@code gatlingReport} (path of Gatling's HTML report or null).
 * Readers ignore fields they do not know; adding a field does not change the version, removing
 * or changing the meaning of one does.
 *
 * <h2>Interval logs</h2>
 * Standard HdrHistogram log format (readable by {@link HistogramLogReader}, {@code HistogramLogAnalyzer}):
 * a {@code #capkit results v1 metric=... step=... unit=microseconds tag=request-kind} comment,
 * {@code #[Histogram log format version ...]}, {@code #[StartTime: ...]} (the step start),
 * {@code #[BaseTime: ...]}, the legend, then one line per request kind per second with
 * {@code Tag=<kind>}, interval start relative to the step start, and a compressed histogram of
 * values in <b>microseconds</b> (1 µs to 1 h, 3 significant digits). Metrics: {@link Metric}.
 * Lines are flushed every second while the run goes.
 *
 * <h2>Server samples (optional addition)</h2>
 * {@code server-metrics.jsonl}: timestamped scrapes of the target's Prometheus {@code /metrics}
 * (host CPU and memory of the serving process, vLLM's queue and KV-cache gauges), one JSON object
 * per line after a versioned header. Absent when nothing was scraped. Specified, read and written by
 * {@link ServerSamplesReader} / {@link ServerSamplesWriter}; adding it did not change the results
 * format version.
 *
 * <h2>Partial runs</h2>
 * A run whose status is {@code running} was killed or is still going: {@link #read} returns it with
 * {@link Run#partial()} true and the finished steps only; interval logs of an unfinished step
 * exist and may end mid-line, which {@link #histogram} tolerates by stopping at the last whole line.
 */
public final class RunReader {
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private RunReader() {}

  /** A run folder as read. */
  public record Run(Path folder, RunManifest manifest, boolean partial, List<String> unfinishedSteps) {
    public List<StepSummary> steps() {
      return manifest.steps();
    }
  }

  /** Reads {@code folder/run.json}; errors name the folder and the problem. */
  public static Run read(Path folder) throws IOException {
    Path file = RunLayout.of(folder).manifest();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new IOException(folder + ": not a capkit run folder (no run.json)");
    }
    JsonNode version = root.get("capkitResults");
    if (version == null || !version.canConvertToInt()) {
      throw new IOException(file + ": field 'capkitResults' missing: not a capkit results file");
    }
    if (version.asInt() != FORMAT_VERSION) {
      throw new IOException(file + ": field 'capkitResults' is " + version.asInt()
          + "; this capkit reads version " + FORMAT_VERSION);
    }
    RunManifest manifest = JSON.treeToValue(root, RunManifest.class);
    List<String> unfinished = new ArrayList<>();
    if (manifest.scenario() != null) {
      for (ScenarioInfo.PlannedStep p : manifest.scenario().plannedSteps()) {
        if (manifest.steps().stream().noneMatch(s -> s.id().equals(p.id()))) {
          unfinished.add(p.id());
        }
      }
    }
    boolean partial = !RunManifest.COMPLETE.equals(manifest.status());
    return new Run(folder, manifest, partial, unfinished);
  }

  /**
   * Hands every interval histogram of one interval log to {@code action}, in file order (values in
   * microseconds, tag = request kind, start/end timestamps in epoch milliseconds). A missing file
   * has no intervals; a half-written last line (a killed writer) ends the log, everything before it
   * is whole. The one place that knows how capkit's interval logs are read.
   */
  public static void forEachInterval(Path hlogFile, java.util.function.Consumer<Histogram> action) throws IOException {
    if (!Files.exists(hlogFile)) {
      return;
    }
    try (InputStream in = Files.newInputStream(hlogFile)) {
      HistogramLogReader reader = new HistogramLogReader(in);
      while (true) {
        EncodableHistogram e;
        try {
          e = reader.nextIntervalHistogram();
        } catch (RuntimeException truncated) {
          break; // a killed writer can leave half a line; everything before it is whole
        }
        if (e == null) {
          break;
        }
        action.accept((Histogram) e);
      }
    }
  }

  /**
   * Reads a step's interval log and returns the sum of its intervals per request kind (key
   * {@code *} holds all kinds together). Values in microseconds. A missing file gives an empty map.
   */
  public static Map<String, Histogram> histogram(Path runFolder, String stepId, Metric metric) throws IOException {
    Path file = RunLayout.of(runFolder).hlog(stepId, metric);
    Map<String, Histogram> out = new TreeMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    Histogram all = StepRecorder.newHistogram();
    out.put("*", all);
    forEachInterval(file, h -> {
      String tag = h.getTag() == null ? "untagged" : h.getTag();
      out.computeIfAbsent(tag, t -> StepRecorder.newHistogram()).add(h);
      all.add(h);
    });
    return out;
  }
}
