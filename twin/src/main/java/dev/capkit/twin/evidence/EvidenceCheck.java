package dev.capkit.twin.evidence;

import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.EvidenceFile;
import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.ModelArchitecture;
import dev.capkit.twin.catalog.ServingConfig;
import dev.capkit.twin.catalog.TierSpec;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.KvCacheBudget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The twin's prediction for each published measurement, and the error table of twin/README.md.
 * A prediction serves the measurement's model on its GPU with the catalog's coefficients for that
 * GPU and vLLM's defaults for its class, and replays the measurement's workload with
 * {@link ClosedLoopBench}. Error = predicted / measured - 1, in the direction of the metric
 * (+ means the twin says faster for rates and slower for latencies).
 *
 * <pre>{@code
 * EvidenceCheck check = EvidenceCheck.of(Catalog.load(null), EvidenceFile.read(path));
 * check.medianAbsError(); // 0.06
 * }</pre>
 */
public record EvidenceCheck(List<Row> rows) {
  /** Beyond this |error| a measurement needs a named cause the model does not cover. */
  public static final double OUTLIER = 0.25;

  /** One measurement with its prediction. */
  public record Row(Measurement measurement, double predicted, String coefficientSource) {
    public double error() {
      return predicted / measurement.value() - 1;
    }
  }

  public static EvidenceCheck of(Catalog catalog, EvidenceFile evidence) {
    List<Row> rows = new ArrayList<>();
    for (Measurement m : evidence.measurements()) {
      ServingPlan plan = plan(catalog, evidence.models().get(m.model()), m);
      rows.add(new Row(m, predict(plan, m), plan.coefficients().source()));
    }
    return new EvidenceCheck(rows);
  }

  /** The plan a measurement ran: its model and dtype on its GPU, catalog coefficients, vLLM defaults for the GPU class. */
  static ServingPlan plan(Catalog catalog, ModelArchitecture model, Measurement m) {
    GpuSpec gpu = catalog.gpu(m.gpu());
    Dtype dtype = Dtype.parse(m.dtype());
    ServingConfig serving = catalog.serving(gpu.id());
    KvCacheBudget budget = KvCacheBudget.of(model, gpu, dtype, serving);
    TierSpec tier = new TierSpec("evidence:" + gpu.id(), "evidence", gpu.id(), 1, 0, 0, Double.NaN);
    return new ServingPlan(tier, gpu, model, dtype, serving, budget, catalog.coefficients(gpu.id()));
  }

  static double predict(ServingPlan plan, Measurement m) {
    ClosedLoopBench.Result r = ClosedLoopBench.run(plan, m.concurrency(), m.requests(), m.promptTokens(), m.outputTokens(),
        m.sharedPrompt());
    return switch (m.metric()) {
      case DECODE_TOKENS_PER_SECOND -> 1000.0 / r.meanTpotMs();
      case MEAN_TPOT_MS -> r.meanTpotMs();
      case MEAN_E2E_S -> r.meanE2eS();
      case MEAN_TTFT_MS -> r.meanTtftMs();
      case TOTAL_TOKENS_PER_SECOND -> r.totalTokensPerSecond();
    };
  }

  public double medianAbsError() {
    return median(rows.stream().mapToDouble(r -> Math.abs(r.error())).sorted().toArray());
  }

  private static double median(double[] sorted) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  public double maxAbsError() {
    return rows.stream().mapToDouble(r -> Math.abs(r.error())).max().orElse(0);
  }

  /** Markdown: one row per measurement, then the median and maximum absolute error. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append("| # | GPU | model | dtype | engine | workload | metric | measured | predicted | error | fitted here | source |\n");
    b.append("|---|---|---|---|---|---|---|---:|---:|---:|---|---|\n");
    int i = 1;
    for (Row r : rows) {
      Measurement m = r.measurement();
      String load = (m.concurrency() == 0 ? "all " + m.requests() + " at once" : "C=" + m.concurrency() + ", " + m.requests() + " req")
          + ", " + m.promptTokens() + " in / " + m.outputTokens() + " out";
      b.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %+.1f%% | %s | [%s](%s) |%n",
          i++, m.gpu(), m.model(), m.dtype(), m.engine(), load + (m.sharedPrompt() ? ", same prompt" : ""),
          m.metric().unit(), num(m.value()), num(r.predicted()), 100 * r.error(), m.fitted(), m.title(), m.url()));
    }
    long within = rows.stream().filter(r -> Math.abs(r.error()) <= OUTLIER).count();
    double[] checks = rows.stream().filter(r -> r.measurement().fitted().isEmpty())
        .mapToDouble(r -> Math.abs(r.error())).sorted().toArray();
    b.append(String.format(Locale.ROOT, "%nMedian |error| %.1f%% over all %d measurements (%.1f%% over the %d not used for fitting);"
        + " %d within %.0f%%.", 100 * medianAbsError(), rows.size(), 100 * median(checks), checks.length, within, 100 * OUTLIER));
    i = 1;
    for (Row r : rows) {
      if (Math.abs(r.error()) > OUTLIER) {
        b.append(String.format(Locale.ROOT, "%n- #%d is off by %+.0f%%: %s", i, 100 * r.error(),
            r.measurement().outlierCause().isEmpty() ? "NO NAMED CAUSE" : r.measurement().outlierCause()));
      }
      i++;
    }
    b.append(String.format(Locale.ROOT, "%n%nCoefficients per GPU: %s.%n", String.join("; ", coefficientSources())));
    return b.toString();
  }

  private static String num(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  /** Rows beyond {@link #OUTLIER} whose measurement names no cause. */
  public List<Row> unexplainedOutliers() {
    return rows.stream().filter(r -> Math.abs(r.error()) > OUTLIER && r.measurement().outlierCause().isEmpty()).toList();
  }

  private List<String> coefficientSources() {
    java.util.Map<String, String> byGpu = new java.util.LinkedHashMap<>();
    for (Row r : rows) {
      byGpu.putIfAbsent(r.measurement().gpu(), r.measurement().gpu() + ": " + r.coefficientSource());
    }
    return new ArrayList<>(byGpu.values());
  }

  /** Absolute errors sorted, for tests and reports. */
  public double[] absErrors() {
    double[] e = rows.stream().mapToDouble(r -> Math.abs(r.error())).toArray();
    Arrays.sort(e);
    return e;
  }
}
