package dev.capkit.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunLayoutTest {
  @Test
  void layoutOfResultsFormatV1() {
    RunLayout l = RunLayout.of(Path.of("runs", "r1"));
    assertEquals(Path.of("runs/r1/run.json"), l.manifest());
    assertEquals(Path.of("runs/r1/steps/s00-qps1-none/ttft-intended.hlog"), l.hlog("s00-qps1-none", Metric.TTFT_INTENDED));
    assertEquals(Path.of("runs/r1/server-metrics.jsonl"), l.serverSamples());
    assertEquals(Path.of("runs/r1/plan/plan.json"), l.planJson());
    assertEquals(Path.of("runs/r1/report.html"), l.report());
    assertEquals(Path.of("runs/r1/gate"), l.gateDir());
  }

  @Test
  void objectivesAreJudgedFromTheIntendedSendTimeInOpenLoopOnly() {
    assertEquals(Metric.E2E_INTENDED, Metric.judging("e2e", true));
    assertEquals(Metric.E2E, Metric.judging("e2e", false));
    assertEquals(Metric.TTFT_INTENDED, Metric.judging("ttft", true));
    assertEquals(Metric.TTFT, Metric.judging("ttft", false));
    assertEquals(Metric.TPOT, Metric.judging("tpot", true));
    assertEquals(Metric.ITL, Metric.judging("itl", false));
    assertThrows(IllegalArgumentException.class, () -> Metric.judging("goodput", true));
  }
}
