package dev.capkit.core.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * {@code emulator|remote}, tier, emulator settings, and {@code basis}: {@code measured} (a real server
 * answered) or {@code emulated} (capkit's emulator answered; its timing is a model). {@code basis}
 * was added without a version change: a run.json without it is read with the basis its {@code kind}
 * implies; never credentials); {@code software} (versions); {@code histogramUnit}
 * ({@code microseconds}); {@code startedAt}/{@code endedAt} (ISO-8601 UTC, {@code endedAt} null
 * while running); {@code steps} (one {@link StepSummary} per <em>finished</em> step, in index
 * order; latency figures in milliseconds, rates per second over the step's measured window;
 * {@code achievedQps}: successful requests of the step, by intended send time in open loop, actual
 * send time in closed loop, / the step's duration: capkit's one definition of achieved rate);
 * {@code notes} (warnings); {@code gatlingReport} (path of Gatling's HTML report or null).
 * A step's and a kind's {@code metrics} may also hold {@code ttfa} (added): time to the first answer
 * token of successful requests whose stream carried reasoning text first (reasoning models; TTFT
 * counts the first token of any kind), a summary with no interval log; absent when no request reasoned.
 * {@code scenario.warmupSeconds}, {@code rampUpSeconds}, {@code maxConcurrency} (added; 0 when absent):
 * load sent before the first step and not recorded, and the open-loop concurrency cap.
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
 * <h2>Per-second counts (optional addition)</h2>
 * {@code steps/<step id>/counts.csv}: requests that ended, succeeded and met every objective, per
 * request kind per flush interval (2026-12-02). Specified and read by {@link CountsLog}; checked like
 * the interval logs (corruption anywhere, torn end only while the step is unfinished) and against
 * run.json's counts. Runs written before it have none.
 *
 * <h2>Step checksums (optional addition)</h2>
 * {@code steps/<step id>/SHA256SUMS}: written when the step finishes, after its logs are closed and
 * before run.json lists it; one line per file of the step folder, {@code <sha-256 hex>  <file name>},
 * the format of GNU {@code sha256sum} (so {@code cd steps/<id> && sha256sum -c SHA256SUMS} checks it).
 * Specified, written and checked by {@link StepChecksums}. Runs written before it have none.
 *
 * <h2>Partial runs versus corrupt files</h2>
 * A run whose status is {@code running} was killed or is still going: {@link #read} returns it with
 * {@link Run#partial()} true and the finished steps only. The interval logs of an <em>unfinished</em>
 * step exist and may end with half a line (the writer died mid-write): {@link Run#histogram} reads
 * such a log up to its last whole line. Nothing else is tolerated; each of these is refused with a
 * {@link CorruptFileException} naming the file, the line and why:
 * <ul>
 *   <li>run.json that is not valid JSON (it is replaced atomically, never torn), has a field of the
 *       wrong type, an unknown status, a step id that is not a plain folder name
 *       ({@code [A-Za-z0-9][A-Za-z0-9._-]*}) or not among {@code plannedSteps}, repeated step ids,
 *       or counts that do not add up (ok &gt; sent, errors not summing to sent - ok, kinds not
 *       summing to the step);
 *   <li>in any interval log: a line that does not decode anywhere in the file (see
 *       {@link IntervalLogReader}); in a <em>finished</em> step's log also a bad or unterminated last
 *       line (its logs were closed before run.json listed the step, so they are whole);
 *   <li>a finished step whose interval logs hold another number of values than run.json counts for
 *       that metric, overall or per request kind (a lost or duplicated line), or whose log is missing
 *       while run.json counts values for it.
 * </ul>
 * {@code capkit verify <run folder>} ({@link RunVerifier}) runs every check, plus the checksums.
 */
public final class RunReader {
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
  private static final java.util.regex.Pattern STEP_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private RunReader() {}

  /** A run folder as read. */
  public record Run(Path folder, RunManifest manifest, boolean partial, List<String> unfinishedSteps) {
    public List<StepSummary> steps() {
      return manifest.steps();
    }

    /** The finished step with that id, if run.json lists it. */
    public java.util.Optional<StepSummary> step(String stepId) {
      return manifest.steps().stream().filter(s -> s.id().equals(stepId)).findFirst();
    }

    /** {@code steps/<step id>/<metric>.hlog} of this run. */
    public Path intervalLog(String stepId, Metric metric) {
      return RunLayout.of(folder).hlog(stepId, metric);
    }

    /**
     * The sum of a step's intervals per request kind (key {@code *} holds all kinds), values in
     * microseconds. For a finished step the log must be whole and hold exactly the values run.json
     * counts for the metric, overall and per kind; for an unfinished one a torn last line is
     * ignored. A missing log gives an empty map when run.json counts nothing for it.
     *
     * @throws CorruptFileException naming the log, the line and why
     */
    public Map<String, Histogram> histogram(String stepId, Metric metric) throws IOException {
      Path file = intervalLog(stepId, metric);
      java.util.Optional<StepSummary> finished = step(stepId);
      Map<String, Histogram> out = new TreeMap<>();
      if (!Files.exists(file)) {
        if (finished.isPresent() && finished.get().metric(metric).count() > 0) {
          throw new CorruptFileException(file, 0, "missing, but run.json counts " + finished.get().metric(metric).count()
              + " value(s) of " + metric.key() + " in step " + stepId);
        }
        return out;
      }
      Histogram all = StepRecorder.newHistogram();
      out.put("*", all);
      IntervalLogReader.read(file, finished.isPresent() ? IntervalLogReader.End.WHOLE : IntervalLogReader.End.MAY_BE_TORN, h -> {
        String tag = h.getTag() == null ? "untagged" : h.getTag();
        out.computeIfAbsent(tag, t -> StepRecorder.newHistogram()).add(h);
        all.add(h);
      });
      if (finished.isPresent()) {
        crossCheck(file, finished.get(), metric, out);
      }
      return out;
    }

    /**
     * A step's per-second counts ({@link CountsLog}); empty when the run has none (written before
     * they were kept). For a finished step the file must be whole and add up to run.json's counts;
     * for an unfinished one a torn last line is ignored.
     *
     * @throws CorruptFileException naming the file, the line and why
     */
    public java.util.Optional<CountsLog.Content> counts(String stepId) throws IOException {
      Path file = RunLayout.of(folder).counts(stepId);
      if (!Files.exists(file)) {
        return java.util.Optional.empty();
      }
      java.util.Optional<StepSummary> finished = step(stepId);
      CountsLog.Content c = CountsLog.read(file, finished.isPresent() ? IntervalLogReader.End.WHOLE : IntervalLogReader.End.MAY_BE_TORN);
      if (finished.isPresent()) {
        CountsLog.crossCheck(file, finished.get(), c);
      }
      return java.util.Optional.of(c);
    }
  }

  /**
   * Compares the values an interval log holds with the counts run.json gives for its step and
   * metric, overall and per request kind.
   *
   * @param totals per kind, {@code *} for all, as {@link Run#histogram} returns them
   */
  public static void crossCheck(Path file, StepSummary step, Metric metric, Map<String, Histogram> totals) throws CorruptFileException {
    Map<String, Long> counts = new TreeMap<>();
    totals.forEach((k, h) -> counts.put(k, h.getTotalCount()));
    crossCheckCounts(file, step, metric, counts);
  }

  /** {@link #crossCheck} over value counts per kind ({@code *} for all) rather than histograms. */
  public static void crossCheckCounts(Path file, StepSummary step, Metric metric, Map<String, Long> counts) throws CorruptFileException {
    long expected = step.metric(metric).count();
    long found = counts.getOrDefault("*", 0L);
    if (found != expected) {
      throw new CorruptFileException(file, 0, "holds " + found + " value(s), but run.json counts " + expected + " for " + metric.key()
          + " in step " + step.id() + " (interval lines lost, added or altered)");
    }
    java.util.Set<String> kinds = new java.util.TreeSet<>(step.kinds() == null ? java.util.Set.of() : step.kinds().keySet());
    counts.keySet().stream().filter(k -> !k.equals("*")).forEach(kinds::add);
    for (String kind : kinds) {
      KindSummary k = step.kinds() == null ? null : step.kinds().get(kind);
      long want = k == null || k.metrics() == null || k.metrics().get(metric.key()) == null ? 0 : k.metrics().get(metric.key()).count();
      long got = counts.getOrDefault(kind, 0L);
      if (got != want) {
        throw new CorruptFileException(file, 0, "holds " + got + " value(s) of kind '" + kind + "', but run.json counts " + want + " for "
            + metric.key() + " of that kind in step " + step.id() + " (interval lines lost, added or altered)");
      }
    }
  }

  /** Reads {@code folder/run.json}; errors name the folder or file, the line and the problem. */
  public static Run read(Path folder) throws IOException {
    Path file = RunLayout.of(folder).manifest();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(folder + ": not a capkit run folder (no run.json)");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new CorruptFileException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not valid JSON (" + e.getOriginalMessage() + "); run.json is replaced whole, never torn");
    }
    if (root == null || !root.isObject()) {
      throw new CorruptFileException(file, 1, "not a JSON object");
    }
    JsonNode version = root.get("capkitResults");
    if (version == null || !version.canConvertToInt()) {
      throw new IOException(file + ": field 'capkitResults' missing: not a capkit results file");
    }
    if (version.asInt() != FORMAT_VERSION) {
      throw new IOException(file + ": field 'capkitResults' is " + version.asInt()
          + "; this capkit reads version " + FORMAT_VERSION);
    }
    RunManifest manifest;
    try {
      manifest = JSON.treeToValue(root, RunManifest.class);
    } catch (JsonProcessingException e) {
      String pointer = e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? pointer(m.getPath()) : "";
      throw new CorruptFileException(file, JsonLines.of(bytes).lineOf(pointer),
          "field '" + pointer + "' has the wrong type (" + e.getOriginalMessage() + ")");
    }
    RunManifestCheck.check(file, bytes, manifest, STEP_ID);
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

  /** Whether {@code id} is a step id capkit writes: a plain folder name, never a path. */
  public static boolean isValidStepId(String id) {
    return id != null && STEP_ID.matcher(id).matches();
  }

  private static String pointer(List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path) {
    StringBuilder b = new StringBuilder();
    for (var r : path) {
      b.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
    }
    return b.toString();
  }

  /**
   * Hands every interval histogram of one interval log of a <em>finished</em> step to
   * {@code action}, in file order (values in microseconds, tag = request kind, start/end timestamps
   * in epoch milliseconds). A missing file has no intervals; any line that does not decode,
   * including a torn last line, is a {@link CorruptFileException} (see {@link IntervalLogReader}).
   * Callers that also have run.json's counts should cross-check them ({@link #crossCheck}).
   */
  public static void forEachInterval(Path hlogFile, java.util.function.Consumer<Histogram> action) throws IOException {
    if (!Files.exists(hlogFile)) {
      return;
    }
    IntervalLogReader.read(hlogFile, IntervalLogReader.End.WHOLE, action);
  }

  /**
   * Reads a step's interval log and returns the sum of its intervals per request kind (key
   * {@code *} holds all kinds together), checked as {@link Run#histogram} checks it. Values in
   * microseconds. A missing file gives an empty map.
   */
  public static Map<String, Histogram> histogram(Path runFolder, String stepId, Metric metric) throws IOException {
    return read(runFolder).histogram(stepId, metric);
  }
}
