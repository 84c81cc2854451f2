package dev.capkit.core.results;

import java.nio.file.Path;

/**
 * Where everything sits in a run folder: the one place that knows the layout (results format v1).
 *
 * <pre>
 * &lt;run&gt;/run.json                       manifest and step summaries ({@link RunReader})
 * &lt;run&gt;/steps/&lt;step id&gt;/&lt;metric&gt;.hlog   HdrHistogram interval log per metric ({@link Metric#key()})
 * &lt;run&gt;/steps/&lt;step id&gt;/counts.csv     requests sent, ok and good per second and kind ({@link CountsLog})
 * &lt;run&gt;/server-metrics.jsonl           the target's own samples ({@link ServerSamplesReader})
 * &lt;run&gt;/plan/                          plan.json, plan.md, manifests (after-run pipeline)
 * &lt;run&gt;/report.html                    the capacity review page (after-run pipeline)
 * &lt;run&gt;/gate/                          gate.txt, junit.xml, summary.md (after-run pipeline, with a baseline)
 * </pre>
 *
 * <pre>{@code
 * Path log = RunLayout.of(folder).hlog("s00-qps1-none", Metric.TTFT); // steps/s00-qps1-none/ttft.hlog
 * }</pre>
 *
 * @param folder the run folder
 */
public record RunLayout(Path folder) {
  public static final String MANIFEST = "run.json";

  public static RunLayout of(Path folder) {
    return new RunLayout(folder);
  }

  public Path manifest() {
    return folder.resolve(MANIFEST);
  }

  public Path stepsDir() {
    return folder.resolve("steps");
  }

  public Path stepDir(String stepId) {
    return stepsDir().resolve(stepId);
  }

  public Path hlog(String stepId, Metric metric) {
    return stepDir(stepId).resolve(metric.key() + ".hlog");
  }

  /** A step's per-second request counts ({@link CountsLog}); absent in runs written before 2026-12-02. */
  public Path counts(String stepId) {
    return stepDir(stepId).resolve(CountsLog.FILE_NAME);
  }

  public Path serverSamples() {
    return folder.resolve(ServerSamplesReader.FILE_NAME);
  }

  /** A capacity search's probes and answer ({@code dev.capkit.core.search.SearchLogReader}); absent for a ladder. */
  public Path searchLog() {
    return folder.resolve("search.json");
  }

  public Path planDir() {
    return folder.resolve("plan");
  }

  public Path planJson() {
    return planDir().resolve("plan.json");
  }

  public Path report() {
    return folder.resolve("report.html");
  }

  public Path gateDir() {
    return folder.resolve("gate");
  }
}
