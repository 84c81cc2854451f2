package dev.capkit.gate;

import dev.capkit.gate.stats.EmpiricalDistribution;
import dev.capkit.gate.stats.Estimate;
import dev.capkit.gate.stats.RegressionStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * Compares a run with a baseline, per step and request kind: E2E, TTFT and TPOT p99, error rate,
 * and goodput (all kinds pooled only: goodput is judged per request, not per kind). A comparison is
 * a {@link Verdict#REGRESSION} only when the change is worse than the {@link Tolerance} <em>and</em>
 * its confidence interval excludes "no change"; a pure function of its inputs (resampling is
 * seeded by the comparison's name).
 *
 * <p>Rows for all kinds pooled ({@code *}) are required: when one cannot be decided the input is
 * unusable (exit 2). Per-kind rows with too few samples are reported as undecided and do not block,
 * because a 5% kind in a short run never has enough samples for a p99.
 *
 * <pre>{@code
 * GateVerdict v = new RegressionGate(RegressionStatistics.standard(), Tolerance.parse("p99=10%"), 0.95)
 *     .judge(BaselineReader.read(baselineFile), RunFigures.ofRun(runFolder));
 * }</pre>
 */
public final class RegressionGate {
  private static final List<GatedMetric> LATENCIES = List.of(GatedMetric.E2E_P99, GatedMetric.TTFT_P99, GatedMetric.TPOT_P99);

  private final RegressionStatistics stats;
  private final Tolerance tolerance;
  private final double confidence;
  private final List<String> allowedDifferences;

  public RegressionGate(RegressionStatistics stats, Tolerance tolerance, double confidence) {
    this(stats, tolerance, confidence, List.of());
  }

  /**
   * @param allowedDifferences workload fields (or field prefixes, e.g. {@code emulator}) allowed to
   *                           differ between baseline and run ({@code --allow-difference}); each one
   *                           that does differ is noted in the verdict
   */
  public RegressionGate(RegressionStatistics stats, Tolerance tolerance, double confidence, List<String> allowedDifferences) {
    this.allowedDifferences = List.copyOf(allowedDifferences);
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException("--confidence: must be in (0.5, 1), got " + confidence);
    }
    this.stats = stats;
    this.tolerance = tolerance;
    this.confidence = confidence;
  }

  public GateVerdict judge(RunFigures baseline, RunFigures current) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<Comparison> rows = new ArrayList<>();
    ScenarioIdentity b = baseline.scenario();
    ScenarioIdentity c = current.scenario();
    List<String> mismatches = new ArrayList<>(b.mismatches(c));
    for (String m : mismatches) {
      problems.add("mismatched scenario: " + m);
    }
    boolean workloadDiffers = workload(baseline, current, problems, notes);
    if (current.partial()) {
      problems.add("current run " + current.source() + " did not complete (run.json status is not 'complete')");
    }
    if (b.seed() != c.seed()) {
      notes.add("seeds differ (baseline " + b.seed() + ", current " + c.seed() + "): other arrivals of the same load");
    }
    if (!b.tier().equals(c.tier())) {
      notes.add("tiers differ (baseline " + b.tier() + ", current " + c.tier() + ")");
    }
    if (!problems.isEmpty() && (!mismatches.isEmpty() || workloadDiffers)) {
      return verdict(baseline, current, rows, problems, notes);
    }
    basisNotes(baseline, current, notes);
    for (StepFigures bs : baseline.steps()) {
      StepFigures cs = current.step(bs.id()).orElse(null);
      if (cs == null) {
        problems.add("missing step: " + bs.id() + " is in the baseline but not in the current run " + current.source());
        continue;
      }
      if (bs.offered() != cs.offered() || !bs.unit().equals(cs.unit()) || !bs.network().equals(cs.network())) {
        problems.add(String.format(Locale.ROOT, "mismatched step %s: baseline %s %s via %s, current %s %s via %s",
            bs.id(), num(bs.offered()), bs.unit(), bs.network(), num(cs.offered()), cs.unit(), cs.network()));
        continue;
      }
      if (bs.durationSeconds() != cs.durationSeconds()) {
        notes.add(String.format(Locale.ROOT, "step %s: durations differ (baseline %ss, current %ss): sample sizes differ",
            bs.id(), num(bs.durationSeconds()), num(cs.durationSeconds())));
      }
      compareStep(bs, cs, rows, notes);
    }
    for (StepFigures cs : current.steps()) {
      if (baseline.step(cs.id()).isEmpty()) {
        notes.add("step " + cs.id() + " is not in the baseline: not judged");
      }
    }
    for (Comparison row : rows) {
      if (row.required() && row.verdict() == Verdict.UNDECIDED) {
        problems.add("undecided: " + row.name() + ": " + row.reason());
      }
    }
    if (rows.stream().noneMatch(r -> r.verdict() != Verdict.UNDECIDED) && problems.isEmpty()) {
      problems.add("nothing could be compared: the baseline has no steps");
    }
    return verdict(baseline, current, rows, problems, notes);
  }

  /**
   * Compares the workloads ({@link Workload}); a differing field is a problem unless allowed, then a
   * note. Returns whether any field differs without being allowed.
   */
  private boolean workload(RunFigures baseline, RunFigures current, List<String> problems, List<String> notes) {
    for (var side : List.of(baseline, current)) {
      if (!side.workload().recorded()) {
        notes.add(side.source() + " records no workload (baseline format v1): objectives, request shapes, load shape, emulator"
            + " settings and target engine were not compared; re-save it with 'capkit baseline save' (format v2)");
      }
    }
    boolean refused = false;
    for (String d : baseline.workload().differences(current.workload())) {
      String field = d.substring(0, d.indexOf(':'));
      boolean allowed = allowedDifferences.stream().anyMatch(a -> field.equals(a) || field.startsWith(a + "."));
      if (allowed) {
        notes.add("compared although the workload differs (allowed by --allow-difference): " + d);
      } else {
        problems.add("mismatched workload: " + d + " (compare anyway with --allow-difference " + field + ")");
        refused = true;
      }
    }
    return refused;
  }

  /** The gate compares what the runs hold; say when that is capkit's emulator rather than a real server. */
  private static void basisNotes(RunFigures baseline, RunFigures current, List<String> notes) {
    for (RunFigures r : List.of(baseline, current)) {
      if ("emulated".equals(r.basis())) {
        notes.add((r == baseline ? "baseline " : "current run ") + r.source() + " is EMULATED (capkit's emulator answered): its"
            + " figures are the emulator's model, not a real server's; a verdict here checks capkit and its emulator");
      }
    }
  }

  private GateVerdict verdict(RunFigures baseline, RunFigures current, List<Comparison> rows, List<String> problems, List<String> notes) {
    return new GateVerdict(baseline.source(), current.source(), baseline.scenario().name(), stats.method(), confidence, tolerance,
        rows, problems, notes, current.basis());
  }

  private void compareStep(StepFigures bs, StepFigures cs, List<Comparison> rows, List<String> notes) {
    TreeSet<String> kinds = new TreeSet<>(bs.kinds().keySet());
    for (String k : cs.kinds().keySet()) {
      if (!kinds.contains(k)) {
        notes.add("step " + bs.id() + ": kind " + k + " is not in the baseline: not judged on its own");
      }
    }
    List<String> order = new ArrayList<>();
    order.add(StepFigures.ALL_KINDS);
    order.addAll(kinds);
    for (String kind : order) {
      boolean required = kind.equals(StepFigures.ALL_KINDS);
      KindFigures kb = bs.kind(kind);
      KindFigures kc = cs.kind(kind);
      if (kc == null) {
        kc = new KindFigures(0, 0, java.util.Map.of());
      }
      for (GatedMetric m : LATENCIES) {
        Histogram hb = kb.histogram(m.source().key());
        Histogram hc = kc.histogram(m.source().key());
        if (hb.getTotalCount() == 0 && hc.getTotalCount() == 0) {
          continue; // not applicable, e.g. TTFT of non-streamed requests
        }
        rows.add(latency(bs.id(), kind, m, hb, hc, required));
      }
      rows.add(rate(bs.id(), kind, GatedMetric.ERRORS, kb.failed(), kb.sent(), kc.failed(), kc.sent(), required));
      if (required) {
        rows.add(rate(bs.id(), kind, GatedMetric.GOODPUT, bs.good(), bs.sent(), cs.good(), cs.sent(), true));
      }
    }
  }

  private Comparison latency(String step, String kind, GatedMetric m, Histogram hb, Histogram hc, boolean required) {
    double tol = tolerance.of(m);
    EmpiricalDistribution db = EmpiricalDistribution.of(hb);
    EmpiricalDistribution dc = EmpiricalDistribution.of(hc);
    double vb = db.count() == 0 ? Double.NaN : db.quantile(GatedMetric.QUANTILE) / 1000.0;
    double vc = dc.count() == 0 ? Double.NaN : dc.quantile(GatedMetric.QUANTILE) / 1000.0;
    Estimate e = db.count() == 0 || dc.count() == 0
        ? Estimate.undefined("no samples in the " + (db.count() == 0 ? "baseline" : "current run"))
        : stats.quantileChange(db, dc, GatedMetric.QUANTILE, confidence, seed(step, kind, m));
    return judge(step, kind, m, vb, vc, e, tol, required, db.count(), dc.count(), false);
  }

  private Comparison rate(String step, String kind, GatedMetric m, long eb, long nb, long ec, long nc, boolean required) {
    double tol = tolerance.of(m);
    double vb = nb == 0 ? Double.NaN : (double) eb / nb;
    double vc = nc == 0 ? Double.NaN : (double) ec / nc;
    Estimate e = stats.proportionChange(eb, nb, ec, nc, confidence);
    return judge(step, kind, m, vb, vc, e, tol, required, nb, nc, m == GatedMetric.GOODPUT);
  }

  private static Comparison judge(String step, String kind, GatedMetric m, double vb, double vc, Estimate e, double tol,
      boolean required, long nb, long nc, boolean higherIsBetter) {
    if (!e.defined()) {
      return new Comparison(step, kind, m, vb, vc, e.point(), e, tol, Verdict.UNDECIDED, required, nb, nc, e.undefinedReason());
    }
    double worsening = higherIsBetter ? -e.point() : e.point();
    boolean credible = higherIsBetter ? e.excludesNoChangeDownward() : e.excludesNoChangeUpward();
    String unit = m.latency() ? "%" : "pp";
    Verdict verdict;
    String reason;
    if (worsening > tol && credible) {
      verdict = Verdict.REGRESSION;
      reason = String.format(Locale.ROOT, "worse by %s%s, beyond the tolerance of %s%s, and the interval excludes no change",
          pct(worsening), unit, pct(tol), unit);
    } else if (worsening > tol) {
      verdict = Verdict.PASS;
      reason = String.format(Locale.ROOT, "worse by %s%s but the interval includes no change: not credible", pct(worsening), unit);
    } else {
      verdict = Verdict.PASS;
      reason = worsening > 0 ? "within tolerance" : "no worse";
    }
    return new Comparison(step, kind, m, vb, vc, e.point(), e, tol, verdict, required, nb, nc, reason);
  }

  private static long seed(String step, String kind, GatedMetric m) {
    long h = 1125899906842597L;
    for (char ch : (step + "|" + kind + "|" + m.key()).toCharArray()) {
      h = 31 * h + ch;
    }
    return h;
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f", share * 100);
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
