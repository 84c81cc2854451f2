package dev.capkit.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeJudgeTest {
  @Test
  void binomialTailsKnownAnswers() {
    assertEquals(Math.pow(0.99, 367), Binomial.atMost(0, 367, 0.01), 1e-15);
    // P(Bin(10, 0.5) <= 2) = (1 + 10 + 45) / 1024
    assertEquals(56.0 / 1024, Binomial.atMost(2, 10, 0.5), 1e-12);
    assertEquals(1 - 56.0 / 1024, Binomial.atLeast(3, 10, 0.5), 1e-12);
    // large n stays finite and sums to one
    assertEquals(1.0, Binomial.atMost(20_000, 20_000, 0.3), 0);
    assertEquals(0.5, Binomial.atMost(10_000, 20_001, 0.5), 1e-9);
  }

  @Test
  void aP99VerdictNeedsAKnownMinimumOfRequests() {
    // (0.99)^n <= 2.5%  <=>  n >= ln 0.025 / ln 0.99 = 367.04
    assertEquals(368, ProbeJudge.requestsToHold(0.01, 0.025, 0));
    assertEquals(-1, ProbeJudge.maxViolationsToHold(367, 0.01, 0.025));
    assertEquals(0, ProbeJudge.maxViolationsToHold(368, 0.01, 0.025));
    assertTrue(ProbeJudge.maxViolationsToHold(ProbeJudge.requestsToHold(0.01, 0.025, 2), 0.01, 0.025) >= 2);
    // p50 objectives need few: 0.5^6 < 2.5%
    assertEquals(6, ProbeJudge.requestsToHold(0.5, 0.025, 0));
  }

  @Test
  void violationCountsDecideEachObjective() {
    List<ObjectiveShare> objectives = List.of(ObjectiveShare.percentile("ttft.p99", 99), new ObjectiveShare("errors", 0.01));
    assertEquals(Verdict.HOLDS, ProbeJudge.judge(objectives, 1000, Map.of("ttft.p99", 2L), 0.01, 0.01).verdict());
    assertEquals(Verdict.BROKEN, ProbeJudge.judge(objectives, 1000, Map.of("errors", 30L), 0.01, 0.01).verdict());
    ProbeJudge.Judgement j = ProbeJudge.judge(objectives, 1000, Map.of("ttft.p99", 10L), 0.01, 0.01);
    assertEquals(Verdict.UNDECIDED, j.verdict());
    assertTrue(j.reasons().get(0).startsWith("ttft.p99 undecided: 10 of 1000"), j.reasons().toString());
    assertEquals(Verdict.UNDECIDED, ProbeJudge.judge(objectives, 100, Map.of(), 0.01, 0.01).verdict(), "too few to hold");
  }

  @Test
  void aDesignEffectJudgesOnTheEffectiveSample() {
    List<ObjectiveShare> p99 = List.of(ObjectiveShare.percentile("e2e.p99", 99));
    // 2 of 1,039 holds as independent requests; clustered 3.2-fold they say what 1 of 324 says: not enough
    assertEquals(Verdict.HOLDS, ProbeJudge.judge(p99, 1039, Map.of(), Map.of("e2e.p99", 2L), 0.0083, 0.0083, 1).verdict());
    ProbeJudge.Judgement j = ProbeJudge.judge(p99, 1039, Map.of(), Map.of("e2e.p99", 2L), 0.0083, 0.0083, 3.2);
    assertEquals(Verdict.UNDECIDED, j.verdict());
    assertTrue(j.reasons().get(0).contains("as 1 of 324 independent"), j.reasons().toString());
    // 30 of 1,000 is broken; in bursts of 10 it is 3 of 100
    assertEquals(Verdict.BROKEN, ProbeJudge.judge(p99, 1000, Map.of(), Map.of("e2e.p99", 30L), 0.0083, 0.0083, 1).verdict());
    assertEquals(Verdict.UNDECIDED, ProbeJudge.judge(p99, 1000, Map.of(), Map.of("e2e.p99", 30L), 0.0083, 0.0083, 10).verdict());
    // objectives counted among tasks are not scaled
    assertEquals(Verdict.HOLDS, ProbeJudge.judge(List.of(new ObjectiveShare("task.p95", 0.05)), 1000, Map.of("task.p95", 100L),
        Map.of(), 0.0083, 0.0083, 10).verdict());
  }

  @Test
  void earlyStopThresholdIsTheFullProbesBrokenVerdict() {
    long n = 1000;
    long v = ProbeJudge.violationsToBreak(n, 0.01, 0.005);
    assertTrue(ProbeJudge.broken(n, v, 0.01, 0.005));
    assertTrue(!ProbeJudge.broken(n, v - 1, 0.01, 0.005));
  }
}
