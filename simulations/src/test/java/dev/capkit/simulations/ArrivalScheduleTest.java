package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
  /** quickstart with {@code overrides}; without a warm-up unless they set one (these tests look at the steps' arrivals). */
  static Scenario quickstart(Map<String, String> overrides) {
    Map<String, String> o = new java.util.HashMap<>(overrides);
    o.putIfAbsent("warmup", "0s");
    return ScenarioLoader.load(Path.of("../scenarios/quickstart.json"), o);
  }

  @Test
  void poissonRateAndMixMatchThePlan() {
    ArrivalSchedule s = ArrivalSchedule.plan(quickstart(Map.of("qps", "20", "duration", "10m")));
    int n = s.size();
    // 12,000 expected; Poisson sd = 110: 4.5 sd is a 1-in-100,000 fluke for a fixed seed
    assertEquals(12_000, n, 500);
    long phone = s.arrivals().stream().filter(a -> a.mixIndex() == 0).count();
    assertEquals(0.8, (double) phone / n, 0.02);
    double[] gaps = new double[n - 1];
    for (int i = 1; i < n; i++) {
      gaps[i - 1] = (s.arrivals().get(i).offsetNanos() - s.arrivals().get(i - 1).offsetNanos()) / 1e9;
    }
    double mean = Arrays.stream(gaps).average().orElseThrow();
    double var = Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).average().orElseThrow();
    assertEquals(0.05, mean, 0.002, "mean gap 1/rate");
    assertEquals(1.0, Math.sqrt(var) / mean, 0.05, "exponential gaps: coefficient of variation 1");
  }

  @Test
  void sameSeedSameArrivalsOtherSeedOthers() {
    List<Arrival> a = ArrivalSchedule.plan(quickstart(Map.of())).arrivals();
    List<Arrival> b = ArrivalSchedule.plan(quickstart(Map.of())).arrivals();
    List<Arrival> c = ArrivalSchedule.plan(quickstart(Map.of("seed", "43"))).arrivals();
    assertEquals(a, b);
    assertTrue(!a.equals(c));
  }

  @Test
  void stepsRepeatingALevelUnderAnotherNetworkReplayItsRequests() {
    Scenario sc = quickstart(Map.of("qps", "5", "duration", "20s", "network", "none,vpc-20ms,vpc-50ms"));
    ArrivalSchedule s = ArrivalSchedule.plan(sc);
    List<List<Arrival>> steps = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int step = i;
      steps.add(s.arrivals().stream().filter(a -> a.step() == step).toList());
    }
    assertTrue(steps.get(0).size() > 50, "about 100 arrivals per step: " + steps.get(0).size());
    for (int i = 1; i < 3; i++) {
      assertEquals(steps.get(0).size(), steps.get(i).size(), "step " + i + " replays step 0");
      long shift = sc.steps().get(i).start().toNanos();
      for (int k = 0; k < steps.get(0).size(); k++) {
        Arrival first = steps.get(0).get(k);
        Arrival twin = steps.get(i).get(k);
        assertEquals(first.offsetNanos() + shift, twin.offsetNanos());
        assertEquals(first.mixIndex(), twin.mixIndex());
        assertEquals(first.sequence(), twin.contentKey(), "same content and plan key as its twin");
        assertEquals(first.contentKey(), first.sequence());
      }
    }
    // Requests are built from the content key: the twins are the same request, with the same plan key.
    RequestFactory factory = new RequestFactory(sc);
    Arrival first = steps.get(0).get(3);
    Arrival twin = steps.get(2).get(3);
    assertEquals(factory.forArrival(first).planKey(), factory.forArrival(twin).planKey());
    assertTrue(java.util.Arrays.equals(factory.forArrival(first).body(), factory.forArrival(twin).body()));
    // Closed loop: an agent's turn has one key whichever injector (factory) builds it.
    assertEquals("s" + sc.seed() + "-g7-t2", factory.forAgentTurn(7, 2).planKey());
    assertEquals(new RequestFactory(sc).forAgentTurn(7, 2).planKey(), factory.forAgentTurn(7, 2).planKey());
    assertTrue(!factory.forAgentTurn(7, 2).planKey().equals(factory.forAgentTurn(8, 2).planKey()));
    // Sequences stay distinct (injector shares split by them); a ladder of distinct rates draws afresh.
    assertEquals(s.size(), s.arrivals().stream().mapToLong(Arrival::sequence).distinct().count());
    ArrivalSchedule ladder = ArrivalSchedule.plan(quickstart(Map.of()));
    assertTrue(ladder.arrivals().stream().allMatch(a -> a.contentKey() == a.sequence()));
  }

  @Test
  void usersPerSecondCoverEveryArrivalInOrder() {
    ArrivalSchedule s = ArrivalSchedule.plan(quickstart(Map.of()));
    int[] perSecond = s.usersPerSecond();
    assertEquals(90, perSecond.length, "3 steps x 30 s");
    assertEquals(s.size(), Arrays.stream(perSecond).sum());
    for (int second = 0, taken = 0; second < perSecond.length; second++) {
      for (int u = 0; u < perSecond[second]; u++, taken++) {
        Arrival a = s.take();
        assertEquals(second, a.offsetNanos() / 1_000_000_000L, "user of second k takes an arrival of second k");
        assertEquals(a.step(), second / 30);
      }
    }
    assertNull(s.take());
  }

  @Test
  void uniformArrivalsAreEvenlySpaced() {
    Scenario sc = quickstart(Map.of("qps", "4", "duration", "5s"));
    Scenario uniform = new Scenario(sc.name(), sc.description(), sc.source(), sc.seed(), sc.model(), sc.emulator(), sc.mix(),
        new dev.capkit.core.scenario.LoadShape.Open(List.of(4.0), java.time.Duration.ofSeconds(5), false),
        sc.networks(), sc.slo(), sc.timeouts());
    ArrivalSchedule s = ArrivalSchedule.plan(uniform);
    assertEquals(20, s.size());
    assertEquals(125_000_000L, s.arrivals().get(0).offsetNanos());
    assertEquals(250_000_000L, s.arrivals().get(1).offsetNanos() - s.arrivals().get(0).offsetNanos());
  }
}
