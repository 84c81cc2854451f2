package dev.capkit.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The search against a known truth: a synthetic server whose share of requests over the latency
 * limit rises with the rate as a queue's does near saturation, with binomial noise per probe. The
 * sustainable rate (share = 1%) is known exactly, so coverage of the reported interval can be counted.
 */
class CapacitySearchTest {
  private static final List<ObjectiveShare> P99 = List.of(ObjectiveShare.percentile("e2e.p99", 99));

  /** Share over the limit at rate r: 1% exactly at {@code truth}, rising {@code steepness}-fold per unit of r / truth (a saturating queue). */
  private static double share(double r, double truth, double steepness) {
    return Math.min(1, 0.01 * Math.exp(steepness * (r / truth - 1)));
  }

  private static ProbeRunner syntheticServer(double truth, long seed) {
    return syntheticServer(truth, seed, 12);
  }

  private static ProbeRunner syntheticServer(double truth, long seed, double steepness) {
    SplittableRandom rng = new SplittableRandom(seed);
    return p -> {
      long n = p.plannedRequests();
      double q = share(p.rate(), truth, steepness);
      long v = 0;
      for (long i = 0; i < n; i++) {
        if (rng.nextDouble() < q) {
          v++;
        }
      }
      return new ProbeRunner.Measured(n, Map.of("e2e.p99", v), p.warmupSeconds() + p.seconds(), false);
    };
  }

  @Test
  void bracketsThenBisectsToThePrecision() {
    SearchResult r = CapacitySearch.run(P99, SearchSettings.defaults(1.0), syntheticServer(3.3, 1, 150));
    assertEquals("precision reached", r.stop(), r.summary("req/s"));
    assertTrue(r.met());
    assertTrue(r.low() <= 3.3 && 3.3 <= r.high(), r.summary("req/s"));
    assertTrue(r.probes().stream().filter(p -> p.plan().phase().equals("scout")).count() >= 4, "bracket and bisect by scouts");
    assertTrue(r.probes().stream().anyMatch(p -> p.plan().phase().equals("verdict-low") && p.verdict() == Verdict.HOLDS));
    assertTrue(r.probes().stream().anyMatch(p -> p.plan().phase().equals("verdict-high") && p.verdict() == Verdict.BROKEN));
  }

  @Test
  void aGentleKneeCostsPrecisionNotCoverage() {
    // 3% below the truth the share is still 0.7%: verdicts near the truth stay undecided and the ends move out
    SearchResult r = CapacitySearch.run(P99, SearchSettings.defaults(1.0), syntheticServer(3.3, 1, 12));
    assertTrue(r.low() <= 3.3 && 3.3 <= r.high(), r.summary("req/s"));
    assertTrue(r.probes().stream().anyMatch(p -> p.verdict() == Verdict.UNDECIDED && !p.plan().phase().equals("scout")),
        r.summary("req/s"));
  }

  @Test
  void probeLengthComesFromTheRate() {
    CapacitySearch s = new CapacitySearch(P99, SearchSettings.defaults(2));
    ProbePlan first = s.next();
    assertEquals("scout", first.phase());
    assertEquals(150 / 2.0, first.seconds(), 1e-9);
    SearchResult r = CapacitySearch.run(P99, SearchSettings.defaults(2), syntheticServer(3.3, 5, 40));
    for (ProbeResult p : r.probes()) {
      if (!p.plan().phase().equals("scout")) {
        assertEquals(s.requestsPerProbe() / p.plan().rate(), p.plan().seconds(), 1e-6, "verdict probes sized from the rate");
      }
    }
  }

  @Test
  void intervalCoversTheTruthAtLeastAsOftenAsStated() {
    int runs = 300;
    int covered = 0;
    for (long seed = 0; seed < runs; seed++) {
      double truth = 0.7 + (seed % 17) * 0.37;
      SearchResult r = CapacitySearch.run(P99, SearchSettings.defaults(1.0), syntheticServer(truth, seed));
      if (r.low() <= truth && truth <= r.high()) {
        covered++;
      }
    }
    // nominal >= 95%; 300 runs: the 5% tail of Bin(300, 0.95) is at 277
    assertTrue(covered >= 277, "covered " + covered + " of " + runs);
  }

  /**
   * Slow requests in bursts of {@code burst} (a queue makes every request behind it slow): the
   * window's violations are {@code burst} x Bin(n / burst, q), {@code burst} times the binomial
   * variance, and the runner reports that design effect (or, {@code reported} = 1, hides it).
   */
  private static ProbeRunner clusteredServer(double truth, long seed, int burst, double reported) {
    SplittableRandom rng = new SplittableRandom(seed);
    return p -> {
      long n = p.plannedRequests();
      double q = share(p.rate(), truth, 12);
      long v = 0;
      for (long i = 0; i < n / burst; i++) {
        if (rng.nextDouble() < q) {
          v += burst;
        }
      }
      return new ProbeRunner.Measured(n, Map.of("e2e.p99", v), p.warmupSeconds() + p.seconds(), false, Map.of(), reported);
    };
  }

  /** Covers with an end not shown taken as open: "holds up to L" alone says the truth is at least L. */
  private static boolean covers(SearchResult r, double truth) {
    return !(r.low() > truth) && !(r.high() < truth);
  }

  @Test
  void clusteredSlowRequestsAreJudgedOnTheirEffectiveSample() {
    int runs = 200;
    int coveredHidden = 0;
    int covered = 0;
    int closed = 0;
    for (long seed = 0; seed < runs; seed++) {
      double truth = 0.7 + (seed % 17) * 0.37;
      coveredHidden += covers(CapacitySearch.run(P99, SearchSettings.defaults(1.0), clusteredServer(truth, seed, 8, 1)), truth) ? 1 : 0;
      SearchResult r = CapacitySearch.run(P99, SearchSettings.defaults(1.0), clusteredServer(truth, seed, 8, 8));
      covered += covers(r, truth) ? 1 : 0;
      closed += Double.isNaN(r.precision()) ? 0 : 1;
      for (ProbeResult p : r.probes()) {
        if (!p.plan().phase().equals("scout") && p.plan().index() > 0 && r.probes().subList(0, p.plan().index()).stream()
            .anyMatch(e -> !e.plan().phase().equals("scout") && !e.stoppedEarly())) {
          assertEquals(8, p.plan().designEffect(), 0, "a verdict after a complete verdict is sized for its clustering");
        }
      }
    }
    // binomial verdicts on bursts of 8 are overconfident: false "holds" just above the truth
    assertTrue(coveredHidden < 0.9 * runs, "judged as independent, covered " + coveredHidden + " of " + runs);
    // with the design effect: nominal >= 95%; the 5% tail of Bin(200, 0.95) is at 184
    assertTrue(covered >= 184, "covered " + covered + " of " + runs);
    assertTrue(closed >= runs / 2, "closed " + closed + " of " + runs);
  }

  @Test
  void budgetStopsTheSearchAndSaysThePrecisionReached() {
    SearchSettings tight = new SearchSettings(1.0, 2, 0.01, 0.95, 600, 10, 20, 900, 150, 3, 1, 10_000, false);
    SearchResult r = CapacitySearch.run(P99, tight, syntheticServer(3.3, 7));
    assertTrue(r.stop().startsWith("GPU-time budget"), r.stop());
    assertTrue(r.gpuSeconds() <= 600);
    assertTrue(!r.met() && r.summary("req/s").contains("asked ±1.0%"), r.summary("req/s"));
  }

  @Test
  void aBudgetBelowTheFirstProbeRunsNothing() {
    // start 0.25 req/s: the first scout's 150 requests take 600 s, more than half of capacity-sweep's 480 s
    SearchSettings half = new SearchSettings(0.25, 2, 0.05, 0.95, 240, 10, 20, 4 * 3600, 150, 3, 3, 10_000, false);
    SearchResult r = CapacitySearch.run(P99, half, p -> {
      throw new AssertionError("no probe fits in 240 s: " + p);
    });
    assertEquals("GPU-time budget: the first probe (610 s) would pass 240 s", r.stop());
    assertEquals(0, r.gpuSeconds(), 0);
    assertTrue(r.summary("req/s").contains("interval not closed"), r.summary("req/s"));
  }

  @Test
  void agentsAreWholeNumbers() {
    SearchSettings agents = new SearchSettings(4, 2, 0.05, 0.95, 1e6, 10, 20, 900, 150, 3, 1, 1_000, true);
    SearchResult r = CapacitySearch.run(P99, agents, syntheticServer(37.4, 3));
    assertTrue(r.probes().stream().allMatch(p -> p.plan().rate() == Math.rint(p.plan().rate())));
    assertTrue(r.low() <= 37.4 && 37.4 <= r.high(), r.summary("agents"));
  }
}
