package dev.capkit.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known answers for the task-level statistics of closed-loop agents and their verdicts. */
class TaskTallyTest {
  /** 20 tasks of 10 steps: 41, 42, ..., 60 s; tasks 3 and 17 had a step over an objective. */
  private static List<TaskOutcome> twenty() {
    List<TaskOutcome> tasks = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      tasks.add(new TaskOutcome(40 + i, 10, i != 3 && i != 17));
    }
    return tasks;
  }

  @Test
  void nearestRankPercentilesShareAndRate() {
    TaskTally t = TaskTally.of(twenty(), 600);
    assertEquals(20, t.tasks());
    // nearest rank: p50 is the 10th of 20 (50 s), p95 the 19th (59 s), p100 the 20th; p1 the first
    assertEquals(50, t.secondsAt(0.50), 0);
    assertEquals(59, t.secondsAt(0.95), 0);
    assertEquals(60, t.secondsAt(1.0), 0);
    assertEquals(41, t.secondsAt(0.01), 0);
    assertEquals(18 / 20.0, t.shareAllStepsMet(), 1e-12);
    // 20 tasks in a 600-s window: 120 per hour; at 34.74 per hour one task costs 34.74 / 120
    assertEquals(120, t.tasksPerHour(), 1e-9);
    assertEquals(0.2895, t.costPerTask(34.74), 1e-12);
  }

  @Test
  void emptyWindowIsUndefinedNotZero() {
    TaskTally t = TaskTally.of(List.of(), 600);
    assertTrue(Double.isNaN(t.secondsAt(0.95)));
    assertTrue(Double.isNaN(t.shareAllStepsMet()));
    assertEquals(0, t.tasksPerHour(), 0);
    assertTrue(Double.isNaN(t.costPerTask(34.74)));
  }

  @Test
  void taskObjectivesCountTheirViolations() {
    TaskObjective time = TaskObjective.time(95, Duration.ofSeconds(55));
    TaskObjective met = TaskObjective.allStepsMet(0.95);
    assertEquals("task.p95", time.key());
    assertEquals(0.05, time.allowed(), 1e-12);
    assertEquals(0.05, met.allowed(), 1e-12);
    assertEquals("task.allStepsMet >= 95%", met.toString());
    Map<String, Long> v = TaskTally.violations(List.of(time, met), twenty());
    assertEquals(5L, v.get("task.p95")); // 56..60 s are over 55 s
    assertEquals(2L, v.get("task.allStepsMet"));
    // still running: past the limit, or a step already missed, is known to violate
    assertTrue(time.violatedWhileRunning(55.5, true));
    assertFalse(time.violatedWhileRunning(54, false));
    assertTrue(met.violatedWhileRunning(3, false));
    assertThrows(IllegalArgumentException.class, () -> new TaskObjective("task.p95", 0.05, null));
  }

  @Test
  void taskObjectivesAreJudgedOnTasksNotRequests() {
    // 100 tasks of 10 steps = 1,000 requests; 12 tasks over the limit is 12% of tasks (broken at 5%),
    // while 12 of 1,000 requests would have been 1.2% (it would hold)
    List<ObjectiveShare> objectives = List.of(new ObjectiveShare("task.p95", 0.05));
    ProbeJudge.Judgement j = ProbeJudge.judge(objectives, 1000, Map.of("task.p95", 100L), Map.of("task.p95", 12L), 0.01, 0.01);
    assertEquals(Verdict.BROKEN, j.verdict());
    assertTrue(j.reasons().get(0).startsWith("task.p95 broken: 12 of 100 tasks"), j.reasons().toString());
    assertEquals(Verdict.HOLDS, ProbeJudge.judge(objectives, 1000, Map.of("task.p95", 12L), 0.01, 0.01).verdict());
  }

  @Test
  void verdictWindowsHoldEnoughTasks() {
    // a task objective at 5% allowed needs requestsToHold(0.05) tasks, each stepsPerTask requests
    SearchSettings s = SearchSettings.defaults(1);
    List<ObjectiveShare> objectives = List.of(ObjectiveShare.percentile("e2e.p99", 99), new ObjectiveShare("task.p95", 0.05));
    CapacitySearch stepsOnly = new CapacitySearch(objectives.subList(0, 1), s);
    CapacitySearch withTasks = new CapacitySearch(objectives, s, r -> r, Map.of("task.p95", 10));
    long tasks = ProbeJudge.requestsToHold(0.05, s.alphaHolds(), s.spare());
    assertEquals(Math.max(tasks * 10, stepsOnly.requestsPerProbe()), withTasks.requestsPerProbe());
    assertTrue(withTasks.requestsPerProbe() > stepsOnly.requestsPerProbe());
    ProbePlan first = withTasks.next();
    // early-stop thresholds count tasks: the planned window's tasks are its requests / 10
    assertEquals(ProbeJudge.violationsToBreak(first.plannedRequests() / 10, 0.05, s.alphaBroken() / 2), first.breakAt().get("task.p95"));
  }
}
