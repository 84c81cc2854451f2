package dev.capkit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.gate.stats.RegressionStatistics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a verdict says it can promise ({@link Comparison#detectable()}), where the calibration (gate/README.md, "Power")
 * says it matters: a 10-minute step near saturation ({@code quickstart} at 1 req/s, virtual time) cannot promise to
 * catch a 20% worsening of its p99s, and says so (the smoke's step can: {@code GateMainTest}; how often the statement
 * holds: {@code GateCalibrationTest}). About 1.5 s (two virtual 10-minute runs).
 */
class PowerStatementTest {
  private final RegressionGate gate = new RegressionGate(RegressionStatistics.standard(), Tolerance.defaults(), 0.95, List.of());

  @Test
  void aTenMinuteStepNearSaturationSaysItCannotPromiseTwentyPercent() throws Exception {
    Map<String, String> nearSaturation = Map.of("qps", "1", "duration", "600s");
    GateVerdict v = gate.judge(VirtualRunFigures.of("quickstart", nearSaturation, 1000, 1.0),
        VirtualRunFigures.of("quickstart", nearSaturation, 1001, 1.0));
    for (GatedMetric m : List.of(GatedMetric.E2E_P99, GatedMetric.TTFT_P99, GatedMetric.TPOT_P99)) {
      Comparison c = row(v, m);
      assertTrue(c.detectable() > 0.5, m.key() + " states it catches a worsening from " + c.detectable() + ": " + c);
    }
    assertTrue(v.notes().stream().anyMatch(n -> n.contains("is caught with about 95% probability only from about e2e.p99 +")), v.notes().toString());
  }

  private static Comparison row(GateVerdict v, GatedMetric m) {
    List<Comparison> rows = v.comparisons().stream().filter(c -> c.kind().equals("*") && c.metric() == m).toList();
    assertEquals(1, rows.size(), m.key());
    return rows.get(0);
  }
}
