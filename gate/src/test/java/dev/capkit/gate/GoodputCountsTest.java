package dev.capkit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.gate.stats.RegressionStatistics;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goodput and errors judged from the runs' per-second counts (counts.csv), near saturation
 * ({@code quickstart} at 1 req/s for 600 s, virtual time). The pair is one of the calibration's
 * same-build pairs (index 7: seeds 1014 and 1015) whose goodput alarmed with the stand-in: the
 * baseline run happened never to queue (every request met its objectives), the current run queued
 * in five bursts (5.1% missed), so the baseline alone shows no dependence at all.
 */
class GoodputCountsTest {
  private static final Map<String, String> NEAR_SATURATION = Map.of("qps", "1", "duration", "600s");

  private static RegressionGate gate() {
    return new RegressionGate(RegressionStatistics.standard(), Tolerance.parse(Tolerance.DEFAULT), 0.95);
  }

  private static Comparison goodput(GateVerdict v) {
    return v.comparisons().stream().filter(c -> c.metric() == GatedMetric.GOODPUT).findFirst().orElseThrow();
  }

  private static String goodputNote(GateVerdict v) {
    return v.notes().stream().filter(n -> n.contains("goodput judged with design effects")).findFirst().orElseThrow();
  }

  @Test
  void aCalmBaselineTakesTheBurstyRunsDesignEffectFromTheCounts() throws IOException {
    RunFigures base = VirtualRunFigures.of("quickstart", NEAR_SATURATION, 1014, 1.0);
    RunFigures same = VirtualRunFigures.of("quickstart", NEAR_SATURATION, 1015, 1.0);
    assertEquals(base.steps().get(0).sent(), base.steps().get(0).good(), "the baseline never missed an objective");
    assertTrue(same.steps().get(0).good() < 0.96 * same.steps().get(0).sent(), "the current run missed > 4%");

    GateVerdict v = gate().judge(base, same);
    Comparison g = goodput(v);
    assertTrue(g.change() < -0.05, "goodput fell by more than the 5pp tolerance: " + g.change());
    assertEquals(Verdict.PASS, g.verdict(), "not credible once both sides count the bursts: " + g.interval());
    String note = goodputNote(v);
    assertTrue(note.contains("blocks of seconds of the per-second good/sent counts; the current run's, the larger"), note);
    double deffB = Double.parseDouble(note.replaceAll(".*of baseline ([0-9.]+) .*", "$1"));
    double deffC = Double.parseDouble(note.replaceAll(".*, current ([0-9.]+) .*", "$1"));
    assertTrue(deffC > 5, "the current run's bursts: " + note);
    assertEquals(deffC, deffB, "both sides take the larger design effect: " + note);

    // the same pair as runs written before counts.csv read: the stand-in (the slowest E2E values), the larger for both too
    String oldNote = goodputNote(gate().judge(withoutCounts(base), withoutCounts(same)));
    assertTrue(oldNote.contains("(stand-in: blocks of seconds of the same share of slowest E2E values, the run keeps no per-second counts;"
        + " the current run's, the larger)"), oldNote);
  }

  @Test
  void ratesWithNoEventOnEitherSideDoNotSpendTheFamilysConfidence() throws IOException {
    RunFigures base = VirtualRunFigures.of("quickstart", NEAR_SATURATION, 1014, 1.0);
    RunFigures same = VirtualRunFigures.of("quickstart", NEAR_SATURATION, 1015, 1.0);
    GateVerdict v = gate().judge(base, same);
    List<Comparison> errors = v.comparisons().stream().filter(c -> c.metric() == GatedMetric.ERRORS).toList();
    assertTrue(errors.size() >= 2 && errors.stream().allMatch(c -> c.baseline() == 0 && c.current() == 0), "no failures in either run");
    long latencies = v.comparisons().stream().filter(c -> c.metric().latency() && c.interval().defined()).count();
    long counted = latencies + 1; // and goodput, which has events (the current run's misses); no errors row
    String family = v.notes().stream().filter(n -> n.contains("family-wise")).findFirst().orElseThrow();
    assertTrue(family.contains("each of the " + counted + " decidable comparisons"), counted + ": " + family);
  }

  /** The figures as a run written before counts.csv reads: no per-second counts anywhere. */
  private static RunFigures withoutCounts(RunFigures f) {
    List<StepFigures> steps = f.steps().stream().map(s -> {
      Map<String, KindFigures> kinds = new LinkedHashMap<>();
      s.kinds().forEach((k, kf) -> kinds.put(k, new KindFigures(kf.sent(), kf.ok(), kf.histograms(), kf.perSecond())));
      return new StepFigures(s.id(), s.offered(), s.unit(), s.network(), s.durationSeconds(), s.sent(), s.ok(), s.good(), kinds);
    }).toList();
    return new RunFigures(f.source(), f.runId(), f.scenario(), f.partial(), steps, f.workload());
  }
}
