package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Arrivals users ask for: gamma gaps with a burstiness factor, a ramp-up, an unrecorded warm-up, a concurrency cap. */
class LoadShapeArrivalsTest {
  private static Scenario quickstart(Map<String, String> overrides) {
    return ArrivalScheduleTest.quickstart(overrides);
  }

  /**
   * Sample CV of n gamma gaps: its standard error is cv * sqrt((1 + cv^2) / (2n)) (delta method with
   * the gamma law's skewness 2cv and kurtosis 3 + 6cv^2); the test allows 4 standard errors.
   */
  @Test
  void gapsCoefficientOfVariationMatchesTheBurstinessFactor() {
    int n = 40_000;
    for (double b : new double[] {0.5, 1, 2, 3}) {
      Gaps gaps = new Gaps(b);
      SplittableRandom rng = new SplittableRandom(17);
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < n; i++) {
        double g = gaps.next(rng, 250.0);
        sum += g;
        sumSq += g * g;
      }
      double mean = sum / n;
      double sd = Math.sqrt((sumSq - n * mean * mean) / (n - 1));
      double cv = sd / mean;
      double se = b * Math.sqrt((1 + b * b) / (2.0 * n));
      assertEquals(b, cv, 4 * se, "burstiness " + b + ": CV " + cv);
      assertEquals(250.0, mean, 4 * 250 * b / Math.sqrt(n), "burstiness " + b + ": mean gap");
    }
    assertEquals(0.0, new Gaps(0).next(new SplittableRandom(1), 250) - 250, 0, "burstiness 0: evenly spaced");
  }

  @Test
  void gammaArrivalsInAScenarioKeepTheRateAndAreBurstier() {
    Scenario poisson = quickstart(Map.of("qps", "20", "duration", "10m", "warmup", "0s"));
    Scenario bursty = quickstart(Map.of("qps", "20", "duration", "10m", "warmup", "0s", "burstiness", "3"));
    int[] p = ArrivalSchedule.plan(poisson).usersPerSecond();
    int[] b = ArrivalSchedule.plan(bursty).usersPerSecond();
    assertEquals(12_000, ArrivalSchedule.plan(bursty).size(), 12_000 * 0.1, "rate kept");
    assertTrue(variance(b) > 3 * variance(p), "per-second counts vary more: " + variance(b) + " vs " + variance(p));
    assertEquals("gamma(cv=3.0)", ScenarioInfo.of(bursty).arrivals());
  }

  @Test
  void warmupIsSentBeforeTheFirstStepAndNotCounted() {
    Scenario none = quickstart(Map.of("qps", "4", "duration", "10s", "warmup", "0s"));
    Scenario warm = quickstart(Map.of("qps", "4", "duration", "10s", "warmup", "3s"));
    ArrivalSchedule a = ArrivalSchedule.plan(none);
    ArrivalSchedule w = ArrivalSchedule.plan(warm);
    List<Arrival> leadIn = w.arrivals().stream().filter(x -> x.step() == ArrivalSchedule.LEAD_IN).toList();
    assertTrue(leadIn.size() > 3, "warm-up requests are planned: " + leadIn.size());
    assertTrue(leadIn.stream().allMatch(x -> x.offsetNanos() < 3_000_000_000L));
    assertEquals(a.size(), w.size(), "the recorded plan is the same with or without a warm-up");
    List<Arrival> steps = w.arrivals().stream().filter(x -> x.step() >= 0).toList();
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.arrivals().get(i).offsetNanos() + 3_000_000_000L, steps.get(i).offsetNanos());
      assertEquals(a.arrivals().get(i).contentKey(), steps.get(i).contentKey(), "same requests, same plan keys");
    }
    assertEquals(3.0, ScenarioInfo.of(warm).warmupSeconds(), "run.json says how long the warm-up was");
    assertEquals(5.0, ScenarioInfo.of(dev.capkit.core.scenario.ScenarioLoader.load(
        java.nio.file.Path.of("../scenarios/quickstart.json"), Map.of())).warmupSeconds(), "5 s by default");
  }

  @Test
  void rampUpRisesLinearlyBeforeTheWarmup() {
    Scenario ramp = quickstart(Map.of("qps", "40", "duration", "5s", "warmup", "0s", "rampUp", "60s"));
    List<Arrival> leadIn = ArrivalSchedule.plan(ramp).arrivals().stream().filter(x -> x.step() == ArrivalSchedule.LEAD_IN).toList();
    // rate 40 t / 60 s: 1,200 arrivals, a quarter of them in the first half
    assertEquals(1_200, leadIn.size(), 4 * Math.sqrt(1_200));
    long firstHalf = leadIn.stream().filter(x -> x.offsetNanos() < 30_000_000_000L).count();
    assertEquals(0.25, firstHalf / (double) leadIn.size(), 0.04);
  }

  @Test
  void openLoopOnlyOptionsAreRefusedForClosedLoopAndBadValuesNamed() {
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> dev.capkit.core.scenario.ScenarioLoader.load(java.nio.file.Path.of("../scenarios/phone-agent-sessions.json"),
            Map.of("burstiness", "2")));
    assertTrue(e.getMessage().startsWith("-Dcapkit.burstiness"), e.getMessage());
    e = assertThrows(ScenarioException.class, () -> quickstart(Map.of("maxConcurrency", "-3")));
    assertTrue(e.getMessage().startsWith("-Dcapkit.maxConcurrency") && e.getMessage().contains("-3"), e.getMessage());
  }

  @Test
  void concurrencyCapHoldsStartsInArrivalOrderUntilASlotFrees() {
    ConcurrencyCap cap = new ConcurrencyCap(2);
    List<Integer> started = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int id = i;
      cap.run(() -> started.add(id));
    }
    assertEquals(List.of(0, 1), started);
    assertEquals(2, cap.inFlight());
    assertEquals(3, cap.waiting());
    cap.release();
    assertEquals(List.of(0, 1, 2), started);
    cap.release();
    cap.release();
    assertEquals(List.of(0, 1, 2, 3, 4), started);
    cap.release();
    cap.release();
    assertEquals(0, cap.inFlight());
  }

  private static double variance(int[] counts) {
    double mean = java.util.Arrays.stream(counts).average().orElse(0);
    return java.util.Arrays.stream(counts).mapToDouble(c -> (c - mean) * (c - mean)).sum() / counts.length;
  }
}
