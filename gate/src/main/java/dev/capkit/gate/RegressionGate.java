package dev.capkit.gate;

import dev.capkit.gate.stats.EmpiricalDistribution;
import dev.capkit.gate.stats.Estimate;
import dev.capkit.gate.stats.LatencySample;
import dev.capkit.gate.stats.RegressionStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

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
    List<Planned> planned = new ArrayList<>();
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
      compareStep(bs, cs, planned, notes);
    }
    long decidable = planned.stream().filter(Planned::decidable).count();
    double each = decidable <= 1 ? confidence : 1 - (1 - confidence) / decidable;
    for (Planned p : planned) {
      rows.add(p.evaluate().apply(each));
    }
    if (decidable > 1) {
      notes.add(String.format(Locale.ROOT, "%s family-wise: each of the %d decidable comparisons has a %s interval (Bonferroni), so"
          + " that a run of the same build raises any alarm at most %s of the time (a rate with no event in either run is not"
          + " counted: it cannot change credibly)", pct(confidence) + "%", decidable, pct(each) + "%", pct(1 - confidence) + "%"));
    }
    powerNotes(rows, notes);
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
   * Per step, what the verdict can promise: the smallest worsening of each all-kinds figure it catches with
   * about 95% probability at this sample ({@link Comparison#detectable()}).
   */
  private static void powerNotes(List<Comparison> rows, List<String> notes) {
    java.util.Map<String, List<String>> byStep = new java.util.LinkedHashMap<>();
    for (Comparison c : rows) {
      String figure = c.required() ? c.detectableText() : null;
      if (figure != null) {
        byStep.computeIfAbsent(c.step(), s -> new ArrayList<>()).add(c.metric().key() + " " + figure);
      }
    }
    byStep.forEach((step, figures) -> notes.add("step " + step + ": at this sample a worsening (all kinds) is caught with about 95%"
        + " probability only from about " + String.join(", ", figures) + "; a smaller one may pass (from each interval's width, an"
        + " approximation: reruns differ more than one run's sampling spread, gate/README.md \"Power\")"));
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

  /** One comparison to make, and whether its samples are enough for an interval (it counts in the Bonferroni split). */
  private record Planned(boolean decidable, java.util.function.DoubleFunction<Comparison> evaluate) {}

  private void compareStep(StepFigures bs, StepFigures cs, List<Planned> rows, List<String> notes) {
    TreeSet<String> kinds = new TreeSet<>(bs.kinds().keySet());
    for (String k : cs.kinds().keySet()) {
      if (!kinds.contains(k)) {
        notes.add("step " + bs.id() + ": kind " + k + " is not in the baseline: not judged on its own");
      }
    }
    double[] inFlightB = inFlight(bs);
    double[] inFlightC = inFlight(cs);
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
        String key = m.source().key();
        if (kb.histogram(key).getTotalCount() == 0 && kc.histogram(key).getTotalCount() == 0) {
          continue; // not applicable, e.g. TTFT of non-streamed requests
        }
        KindFigures fb = kb;
        KindFigures fc = kc;
        long nb = fb.histogram(key).getTotalCount();
        long nc = fc.histogram(key).getTotalCount();
        rows.add(new Planned(nb > 0 && nc > 0 && stats.quantileDecidable(nb, nc, GatedMetric.QUANTILE), each -> latency(bs.id(), kind, m,
            fb.sample(key).withInFlight(inFlightB), fc.sample(key).withInFlight(inFlightC), required, notes, each)));
      }
      KindFigures fb = kb;
      KindFigures fc = kc;
      // under no change both runs have one dependence: the larger design effect is each side's (as for p99s, HistogramBootstrap)
      double errDeff = Math.max(errorsDesignEffect(bs.id(), kind, fb, inFlightB), errorsDesignEffect(bs.id(), kind, fc, inFlightC));
      if (required && errDeff > 1) {
        notes.add(String.format(Locale.ROOT, "step %s: errors interval for dependent requests: failures come in bursts (design effect"
            + " from blocks of seconds of the per-second counts: baseline %.2f, current %.2f), so each side counts as n / design effect"
            + " independent requests", bs.id(), errDeff, errDeff));
      }
      // a rate with no event on either side cannot credibly change (its interval always holds 0): not counted among the
      // family's comparisons (Tarone 1990: a test that cannot reach the per-comparison level spends none of it)
      rows.add(new Planned(stats.proportionDecidable(kb.sent(), kc.sent()) && fb.failed() + fc.failed() > 0,
          each -> rate(bs.id(), kind, GatedMetric.ERRORS, fb.failed(), fb.sent(), fc.failed(), fc.sent(), required, each, errDeff, errDeff)));
      if (required) {
        Goodput ownB = goodputDesignEffect(bs, inFlightB);
        Goodput ownC = goodputDesignEffect(cs, inFlightC);
        // under no change both runs have one dependence: a calm run cannot show the bursts a rerun may have, so both take the larger
        Goodput gb = ownB.deff() >= ownC.deff() ? ownB : new Goodput(ownC.deff(), ownB.method() + "; the current run's, the larger");
        Goodput gc = ownC.deff() >= ownB.deff() ? ownC : new Goodput(ownB.deff(), ownC.method() + "; the baseline's, the larger");
        notes.add(String.format(Locale.ROOT, "step %s: goodput judged with design effects (n / design effect independent requests per"
            + " side) of baseline %.2f (%s), current %.2f (%s)", bs.id(), gb.deff(), gb.method(), gc.deff(), gc.method()));
        rows.add(new Planned(stats.proportionDecidable(bs.sent(), cs.sent()) && bs.sent() - bs.good() + cs.sent() - cs.good() > 0,
            each -> rate(bs.id(), kind, GatedMetric.GOODPUT, bs.good(), bs.sent(), cs.good(), cs.sent(), true, each, gb.deff(), gc.deff())));
      }
    }
  }

  private Comparison latency(String step, String kind, GatedMetric m, LatencySample sb, LatencySample sc, boolean required,
      List<String> notes, double confidence) {
    double tol = tolerance.of(m);
    EmpiricalDistribution db = sb.pooled();
    EmpiricalDistribution dc = sc.pooled();
    double vb = db.count() == 0 ? Double.NaN : db.quantile(GatedMetric.QUANTILE) / 1000.0;
    double vc = dc.count() == 0 ? Double.NaN : dc.quantile(GatedMetric.QUANTILE) / 1000.0;
    Estimate e = db.count() == 0 || dc.count() == 0
        ? Estimate.undefined("no samples in the " + (db.count() == 0 ? "baseline" : "current run"))
        : stats.quantileChange(sb, sc, GatedMetric.QUANTILE, confidence, seed(step, kind, m));
    if (e.defined() && required) {
      independenceNote(step, "baseline", sb, notes);
      independenceNote(step, "current run", sc, notes);
    }
    return judge(step, kind, m, vb, vc, e, tol, required, db.count(), dc.count(), false);
  }

  /** Says, once per step and side, when a side's p99 intervals had to treat requests as independent. */
  private void independenceNote(String step, String side, LatencySample s, List<String> notes) {
    if (stats.resamplesBlocks(s)) {
      return;
    }
    String why = s.hasSeconds() ? "spans only " + s.seconds().seconds() + " s, too few for blocks of seconds"
        : "records no per-second histograms (saved before baselines kept them; re-save it with 'capkit baseline save')";
    String note = "step " + step + ": the " + side + " " + why + ": its p99s were resampled as independent requests, which"
        + " understates their uncertainty when requests queue together (near saturation)";
    if (!notes.contains(note)) {
      notes.add(note);
    }
  }

  /** The step's requests in flight per second, from its pooled E2E values by second; null without them. */
  private static double[] inFlight(StepFigures step) {
    var e2e = step.allKinds().perSecond().get(GatedMetric.E2E_P99.source().key());
    return e2e == null ? null : e2e.inFlight();
  }

  /** A side's goodput design effect and how it was estimated, for the verdict's notes. */
  private record Goodput(double deff, String method) {}

  /** Methods of {@link #goodputDesignEffect}, as the verdict names them. */
  static final String COUNTED = "blocks of seconds of the per-second good/sent counts";
  static final String STAND_IN = "stand-in: blocks of seconds of the same share of slowest E2E values, the run keeps no per-second counts";
  static final String INDEPENDENT = "independent requests: no per-second values to resample";

  /**
   * The design effect of the step's share of requests that missed goodput (1 - good/sent): from the
   * per-second good and sent counts when the side kept them, else stood in for by the same share of
   * its slowest E2E values second by second; 1 when neither is there or every request (or none) was good.
   */
  private Goodput goodputDesignEffect(StepFigures step, double[] inFlight) {
    KindFigures all = step.allKinds();
    String key = GatedMetric.E2E_P99.source().key();
    if (step.sent() == 0 || all.histogram(key).getTotalCount() == 0) {
      return new Goodput(1, INDEPENDENT);
    }
    var e2e = all.sample(key).withInFlight(inFlight);
    if (!stats.resamplesBlocks(e2e)) {
      return new Goodput(1, INDEPENDENT);
    }
    long seed = seed(step.id(), "*", GatedMetric.GOODPUT);
    if (all.counts() != null) {
      return new Goodput(stats.designEffect(e2e, all.counts().missedGoodput(), all.counts().sent(), seed), COUNTED);
    }
    double share = 1 - (double) step.good() / step.sent();
    return new Goodput(stats.designEffect(e2e, share, seed), STAND_IN);
  }

  /**
   * The design effect of a kind's error rate from its per-second counts (blocks of seconds as its E2E
   * values); 1 (independent requests) when the side kept no counts.
   */
  private double errorsDesignEffect(String step, String kind, KindFigures k, double[] inFlight) {
    String key = GatedMetric.E2E_P99.source().key();
    if (k.counts() == null || k.histogram(key).getTotalCount() == 0) {
      return 1;
    }
    return stats.designEffect(k.sample(key).withInFlight(inFlight), k.counts().failed(), k.counts().sent(), seed(step, kind, GatedMetric.ERRORS));
  }

  private Comparison rate(String step, String kind, GatedMetric m, long eb, long nb, long ec, long nc, boolean required, double confidence,
      double deffB, double deffC) {
    double tol = tolerance.of(m);
    double vb = nb == 0 ? Double.NaN : (double) eb / nb;
    double vc = nc == 0 ? Double.NaN : (double) ec / nc;
    Estimate e = stats.proportionChange(eb, nb, ec, nc, confidence, deffB, deffC);
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
