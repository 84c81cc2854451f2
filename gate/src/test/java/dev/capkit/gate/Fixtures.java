package dev.capkit.gate;

import dev.capkit.gate.stats.Estimate;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Hand-made figures and verdicts with known values for the golden files (no randomness). */
final class Fixtures {
  private Fixtures() {}

  /** Values 1..n ms (in µs) scaled by {@code scale}. */
  static Histogram ramp(int n, double scale) {
    Histogram h = RunFigures.newHistogram();
    for (int i = 1; i <= n; i++) {
      h.recordValue(Math.round(i * 1000 * scale));
    }
    return h;
  }

  static RunFigures figures() {
    KindFigures chat = new KindFigures(310, 309, Map.of("e2e", ramp(309, 10), "ttft", ramp(309, 1), "tpot", ramp(309, 0.1)));
    KindFigures blocking = new KindFigures(40, 40, Map.of("e2e", ramp(40, 8)));
    StepFigures step = new StepFigures("s00-qps8-none", 8, "qps", "none", 50, 350, 349, 345, Map.of("chat", chat, "chat-blocking", blocking));
    ScenarioIdentity id = new ScenarioIdentity("gate-smoke", 11, "open", Map.of("chat", 0.9, "chat-blocking", 0.1), "gn7e-c16g1.4xlarge");
    return new RunFigures("baselines/golden.json", "gate-smoke-20250101-000000", id, false, List.of(step), workload());
  }

  /** The workload a gate-smoke run on the embedded emulator records (baseline format v2). */
  static Workload workload() {
    return new Workload(Map.of("objectives.e2e.p99", "8s", "objectives.maxErrorRate", "0.01", "load.arrivals", "poisson",
        "requests.chat.maxTokens", "64", "requests.chat.promptTokens.median", "300", "emulator.profile", "physics",
        "emulator.slowdown", "1.0", "emulator.brokenStreams", "0.0", "target.model", "autoglm-phone-9b", "target.kind", "emulator"));
  }

  static GateVerdict verdict() {
    Tolerance t = Tolerance.defaults();
    List<Comparison> rows = List.of(
        new Comparison("s00-qps8-none", "*", GatedMetric.E2E_P99, 3050, 3720, 0.2197, new Estimate(0.2197, 0.1402, 0.3011, 0.95, null),
            0.10, Verdict.REGRESSION, true, 349, 352,
            "worse by 22.0%, beyond the tolerance of 10.0%, and the interval excludes no change"),
        new Comparison("s00-qps8-none", "*", GatedMetric.TTFT_P99, 41.2, 43.0, 0.0437, new Estimate(0.0437, -0.0810, 0.1702, 0.95, null),
            0.10, Verdict.PASS, true, 314, 316, "within tolerance"),
        new Comparison("s00-qps8-none", "*", GatedMetric.ERRORS, 0.0029, 0.0, -0.0029, new Estimate(-0.0029, -0.0161, 0.0080, 0.95, null),
            0.005, Verdict.PASS, true, 350, 352, "no worse"),
        new Comparison("s00-qps8-none", "*", GatedMetric.GOODPUT, 0.9857, 0.9830, -0.0027, new Estimate(-0.0027, -0.0230, 0.0180, 0.95, null),
            0.05, Verdict.PASS, true, 350, 352, "within tolerance"),
        new Comparison("s00-qps8-none", "chat-blocking", GatedMetric.E2E_P99, 310, 330, Double.NaN,
            Estimate.undefined("too few samples: baseline has 40, p99 needs >= 300 (3 beyond it)"), 0.10, Verdict.UNDECIDED, false, 40, 36,
            "too few samples: baseline has 40, p99 needs >= 300 (3 beyond it)"));
    return new GateVerdict("baselines/golden.json", "runs/gate-smoke-20250101-000100", "gate-smoke",
        dev.capkit.gate.stats.RegressionStatistics.standard().method(), 0.95, t, rows, List.of(),
        List.of("seeds differ (baseline 11, current 12): other arrivals of the same load"));
  }
}
