package dev.capkit.simulations;

import dev.capkit.core.run.InjectorShare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Injector i of N sends every N-th planned arrival; the union of all N is the one-injector plan. */
class InjectorShareTest {
  @Test
  void unionOfAllInjectorPlansIsTheOneInjectorPlan() {
    for (String qps : List.of("3", "20")) {
      Scenario s = ArrivalScheduleTest.quickstart(Map.of("qps", qps, "duration", "30s"));
      ArrivalSchedule one = ArrivalSchedule.plan(s);
      for (int n = 1; n <= 5; n++) {
        List<Arrival> union = new ArrayList<>();
        int[] users = new int[one.usersPerSecond().length];
        for (int i = 0; i < n; i++) {
          ArrivalSchedule mine = ArrivalSchedule.plan(s, new InjectorShare(i, n));
          union.addAll(mine.arrivals());
          int[] u = mine.usersPerSecond();
          for (int k = 0; k < u.length; k++) {
            users[k] += u[k];
          }
          assertEquals(one.size() / (double) n, mine.size(), 1.0, "injector " + i + "/" + n + " sends 1/N of the plan");
        }
        union.sort(Comparator.comparingLong(Arrival::sequence));
        assertEquals(one.arrivals(), union, "qps " + qps + ", N=" + n);
        assertTrue(Arrays.equals(one.usersPerSecond(), users), "users per second add up, N=" + n);
      }
    }
  }

  @Test
  void closedLoopAgentsArePartitioned() {
    for (int total = 0; total < 20; total++) {
      for (int n = 1; n <= 4; n++) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
          sum += new InjectorShare(i, n).agents(total);
        }
        assertEquals(total, sum, total + " agents over " + n);
      }
    }
  }

  @Test
  void parsesAndRejectsWithThePropertyName() {
    assertEquals(new InjectorShare(2, 3), InjectorShare.parse("2/3"));
    for (String bad : List.of("3/3", "-1/2", "x", "1/0", "1/2/3")) {
      ScenarioException e = assertThrows(ScenarioException.class, () -> InjectorShare.parse(bad));
      assertTrue(e.getMessage().contains("capkit.injector") && e.getMessage().contains(bad), e.getMessage());
    }
  }
}
