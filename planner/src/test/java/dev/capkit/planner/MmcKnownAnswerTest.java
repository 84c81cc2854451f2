package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.planner.capacity.ErlangC;
import dev.capkit.planner.capacity.SustainableRate;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.planner.stats.Statistics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Known answer: the planner finds the analytic sustainable rate of an M/M/c queue within 5%. */
class MmcKnownAnswerTest {
  @TempDir
  Path tmp;

  @Test
  void sustainableRateOfMmcQueueMatchesErlangC() throws Exception {
    int c = 4;
    double mu = 1.0;
    double t = 2.0;
    double analytic = ErlangC.maxArrivalRate(c, mu, t, 0.99);
    double[] rates = SyntheticRuns.scaled(analytic, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2);
    Path run = SyntheticRuns.mmc(tmp.resolve("mmc-run"), "mmc", "gn7e-c16g1.4xlarge", c, mu, rates, 20_000, 7);

    LadderReader.Result read = LadderReader.read(List.of(run), Catalog.load(null), "bf16");
    SustainableRate r = SustainableRate.estimate(read.ladders().get(0), SloTarget.parseList("ttft.p99=2s"), Statistics.standard(),
        1000, 42);

    System.out.printf("M/M/%d mu=%.1f ttft.p99<=%.0fs: analytic %.4f req/s, planned %.4f [%.4f, %.4f]%n", c, mu, t, analytic, r.rate(),
        r.low(), r.high());
    assertTrue(r.defined(), r.undefinedReason());
    assertEquals(analytic, r.rate(), 0.05 * analytic, "analytic " + analytic + " vs planned " + r.rate());
    assertTrue(r.low() <= r.rate() && r.rate() <= r.high(), "CI [" + r.low() + ", " + r.high() + "] holds " + r.rate());
    assertTrue(r.high() - r.low() < 0.1 * analytic, "20,000 requests per step give a tight interval: " + r.low() + ".." + r.high());
    assertEquals("ttft.p99", r.binding());
  }

  @Test
  void erlangCKnownValues() {
    // c = 2, a = 1: P(wait) = (a^2/2! * 2/(2-1)) / (1 + a + a^2/2! * 2/(2-1)) = 1 / 3
    assertEquals(1.0 / 3, ErlangC.probabilityOfWaiting(2, 1.0), 1e-12);
    // M/M/1: P(wait) = rho
    assertEquals(0.7, ErlangC.probabilityOfWaiting(1, 0.7), 1e-12);
    assertEquals(1.0, ErlangC.probabilityOfWaiting(3, 3.0));
    double lambda = ErlangC.maxArrivalRate(4, 1.0, 2.0, 0.99);
    assertEquals(0.01, ErlangC.waitTailProbability(4, lambda, 1.0, 2.0), 1e-9);
    assertEquals(2.0, ErlangC.waitQuantile(4, lambda, 1.0, 0.99), 1e-6);
    assertEquals(5, ErlangC.serversFor(lambda + 0.01, 1.0, 2.0, 0.99));
  }
}
