package dev.capkit.core.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run folder (results format v1, specified in {@link RunReader}) while the run goes:
 * interval logs are flushed every second, {@code run.json} is replaced atomically when the run
 * starts, at each step end and at the end, so a killed run keeps every finished step. At a step end
 * the step's logs are closed whole, then its {@code SHA256SUMS} written ({@link StepChecksums}), then
 * run.json lists it: a listed step's files are complete, which is what lets readers tell a torn log
 * of a running step from a truncated one.
 *
 * <pre>{@code
 * try (RunWriter w = RunWriter.create(folder, manifest, Clock.systemUTC(), true)) {
 *   StepRecorder step = w.startStep(plan, slo);
 *   step.record(requestRecord);            // from any thread
 *   StepSummary s = w.finishStep(step, windowSeconds, true);
 *   w.complete(RunManifest.COMPLETE, gatlingReportPath);
 * }
 * }</pre>
 */
public final class RunWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunWriter.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path folder;
  private final Clock clock;
  private final Map<StepRecorder, OpenStep> open = new ConcurrentHashMap<>();
  private final List<StepSummary> finished = new ArrayList<>();
  private final ScheduledExecutorService flusher;
  private RunManifest manifest;

  private RunWriter(Path folder, RunManifest manifest, Clock clock, boolean flushEverySecond) {
    this.folder = folder;
    this.manifest = manifest;
    this.clock = clock;
    if (flushEverySecond) {
      flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "capkit-results-flush");
        t.setDaemon(true);
        return t;
      });
      flusher.scheduleAtFixedRate(this::flushSafely, 1, 1, TimeUnit.SECONDS);
    } else {
      flusher = null;
    }
  }

  /**
   * Creates {@code folder} (which must not exist yet, so no run is ever overwritten) and writes the
   * initial {@code run.json} with status {@code running}.
   */
  public static RunWriter create(Path folder, RunManifest manifest, Clock clock, boolean flushEverySecond) throws IOException {
    if (Files.exists(folder)) {
      throw new IOException("run folder " + folder + " already exists; refusing to overwrite a run");
    }
    Files.createDirectories(folder.resolve("steps"));
    RunWriter w = new RunWriter(folder, manifest, clock, flushEverySecond);
    w.writeManifest();
    return w;
  }

  public Path folder() {
    return folder;
  }

  /**
   * Adds a step to {@code scenario.plannedSteps} and rewrites run.json: a capacity search plans each
   * probe when the one before it has closed, so readers always find every listed step planned.
   */
  public synchronized void planStep(dev.capkit.core.scenario.StepPlan plan) throws IOException {
    manifest = manifest.withScenario(manifest.scenario().withPlannedStep(plan));
    writeManifest();
  }

  /** Opens the step's interval logs and returns the recorder to feed. */
  public StepRecorder startStep(dev.capkit.core.scenario.StepPlan plan, dev.capkit.core.scenario.SloSet slo) throws IOException {
    StepRecorder recorder = new StepRecorder(plan, slo);
    Path dir = RunLayout.of(folder).stepDir(plan.id());
    Files.createDirectories(dir);
    long now = clock.millis();
    Map<Metric, LogFile> logs = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      logs.put(m, LogFile.open(RunLayout.of(folder).hlog(plan.id(), m), m, plan.id(), now));
    }
    PrintStream counts = new PrintStream(Files.newOutputStream(RunLayout.of(folder).counts(plan.id())), false, StandardCharsets.US_ASCII);
    counts.print(CountsLog.header(plan.id()));
    counts.flush();
    open.put(recorder, new OpenStep(logs, counts, now, Instant.ofEpochMilli(now).toString()));
    return recorder;
  }

  /**
   * Closes the step: drains the last interval, closes its logs, computes its summary, and replaces
   * {@code run.json} atomically with it included.
   *
   * @param windowSeconds the measured length of the step's sending window (rates divide by it)
   */
  public synchronized StepSummary finishStep(StepRecorder recorder, double windowSeconds, boolean networkApplied) throws IOException {
    OpenStep step = open.remove(recorder);
    if (step == null) {
      throw new IllegalStateException("step " + recorder.plan().id() + " is not open");
    }
    long now = clock.millis();
    StepSummary summary;
    synchronized (step) {
      flush(recorder, step, now);
      for (LogFile log : step.logs.values()) {
        log.close();
      }
      summary = recorder.summarize(step.startedAt, Instant.ofEpochMilli(now).toString(), windowSeconds, networkApplied);
      writeCounts(step, recorder.drainCountsToSummary(), now); // a straggler recorded after the flush is in the summary: count it too
      step.counts.close();
      step.closed = true;
      if (step.counts.checkError()) {
        throw new IOException("write to " + RunLayout.of(folder).counts(recorder.plan().id()) + " failed");
      }
    }
    StepChecksums.write(RunLayout.of(folder).stepDir(recorder.plan().id()));
    finished.add(summary);
    finished.sort(java.util.Comparator.comparingInt(StepSummary::index));
    manifest = manifest.withSteps(finished);
    writeManifest();
    return summary;
  }

  /** Sets {@code software[key]} in run.json from the next write on (the final one at the latest). */
  public synchronized void software(String key, String value) {
    manifest = manifest.withSoftware(key, value);
  }

  /** Writes the final status and end time. */
  public synchronized void complete(String status, String gatlingReport) throws IOException {
    manifest = manifest.finished(status, Instant.ofEpochMilli(clock.millis()).toString(), gatlingReport);
    writeManifest();
  }

  public synchronized RunManifest manifest() {
    return manifest;
  }

  /** Drains every open step's recorders into their interval logs now. */
  public void flush() {
    long now = clock.millis();
    for (var e : open.entrySet()) {
      synchronized (e.getValue()) {
        flush(e.getKey(), e.getValue(), now);
      }
    }
  }

  private void flushSafely() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("interval log flush failed: {}", e.toString());
    }
  }

  private static void flush(StepRecorder recorder, OpenStep step, long now) {
    if (step.closed) {
      return;
    }
    for (var e : step.logs.entrySet()) {
      for (Histogram h : recorder.drainInterval(e.getKey(), step.lastFlush, now)) {
        e.getValue().write(h);
      }
      e.getValue().flush();
    }
    writeCounts(step, recorder.drainCounts(), step.lastFlush);
    if (step.counts.checkError()) {
      throw new UncheckedIOException(new IOException("write to counts.csv failed"));
    }
    step.lastFlush = now;
  }

  /** One counts line per kind for the interval starting at {@code intervalStart} (epoch ms), as {@link CountsLog} specifies. */
  private static void writeCounts(OpenStep step, Map<String, long[]> counts, long intervalStart) {
    counts.forEach((kind, c) -> step.counts.print(CountsLog.line(Math.max(0, intervalStart - step.startMillis), kind, c)));
    step.counts.flush();
  }

  private void writeManifest() throws IOException {
    Path tmp = folder.resolve("run.json.tmp");
    Files.write(tmp, JSON.writeValueAsBytes(manifest));
    try {
      Files.move(tmp, RunLayout.of(folder).manifest(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, RunLayout.of(folder).manifest(), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() {
    if (flusher != null) {
      flusher.shutdownNow();
    }
    for (OpenStep s : open.values()) {
      synchronized (s) {
        s.logs.values().forEach(LogFile::close);
        s.counts.close();
        s.closed = true;
      }
    }
  }

  /**
   * Writes the header of one interval log as format v1 specifies it (see {@link RunReader}) and
   * returns the writer for its interval lines, timestamps relative to {@code startMillis}. The one
   * place that writes the header (the run writer, and tools that write merged runs).
   */
  public static HistogramLogWriter startIntervalLog(PrintStream out, Metric metric, String stepId, long startMillis) {
    HistogramLogWriter w = new HistogramLogWriter(out);
    w.outputComment("capkit results v" + RunReader.FORMAT_VERSION + " metric=" + metric.key()
        + " step=" + stepId + " unit=microseconds tag=request-kind");
    w.outputLogFormatVersion();
    w.outputStartTime(startMillis);
    w.setBaseTime(startMillis);
    w.outputLegend();
    return w;
  }

  private static final class OpenStep {
    final Map<Metric, LogFile> logs;
    final PrintStream counts;
    final long startMillis;
    final String startedAt;
    long lastFlush;
    boolean closed;

    OpenStep(Map<Metric, LogFile> logs, PrintStream counts, long start, String startedAt) {
      this.logs = logs;
      this.counts = counts;
      this.startMillis = start;
      this.lastFlush = start;
      this.startedAt = startedAt;
    }
  }

  /** One HdrHistogram interval log in the standard format, timestamps relative to the step start. */
  private static final class LogFile {
    final PrintStream out;
    final HistogramLogWriter writer;

    private LogFile(PrintStream out, HistogramLogWriter writer) {
      this.out = out;
      this.writer = writer;
    }

    static LogFile open(Path file, Metric metric, String stepId, long startMillis) throws IOException {
      OutputStream os = Files.newOutputStream(file);
      PrintStream ps = new PrintStream(os, false, StandardCharsets.UTF_8);
      HistogramLogWriter w = startIntervalLog(ps, metric, stepId, startMillis);
      ps.flush();
      return new LogFile(ps, w);
    }

    void write(Histogram h) {
      writer.outputIntervalHistogram(h);
    }

    void flush() {
      out.flush();
      if (out.checkError()) {
        throw new UncheckedIOException(new IOException("write to interval log failed"));
      }
    }

    void close() {
      out.close();
    }
  }
}
