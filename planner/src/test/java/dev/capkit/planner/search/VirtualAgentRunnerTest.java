package dev.capkit.planner.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.Slo;
import dev.capkit.core.scenario.SloSet;
import dev.capkit.core.search.ObjectiveCheck;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Closed-loop phone agents on the twin: the interactive response-time law holds, and more agents wait longer. */
class VirtualAgentRunnerTest {
  private static VirtualAgentRunner runner() throws Exception {
    ServingPlan plan = ServingPlan.resolve(Catalog.load(null), "gn7e-c16g1.4xlarge", "autoglm-phone-9b", Dtype.BF16, 0);
    List<ObjectiveCheck> checks = ObjectiveCheck.of(new SloSet(List.of(new Slo("e2e", 99, Duration.ofSeconds(15))), 0.01, false));
    return new VirtualAgentRunner(plan, checks, 1.0, 10, AgentPrompt.openAutoGlm("zh"), 1);
  }

  @Test
  void throughputFollowsTheResponseTimeLaw() throws Exception {
    VirtualAgentRunner r = runner();
    VirtualAgentRunner.AgentRun run = r.simulate(4, 30, 400, 1e9, Map.of(), 3);
    double x = run.requests() / run.windowSeconds();
    double law = r.requestRate(4, run.meanResponseSeconds()); // X = N / (R + Z)
    assertEquals(law, x, law * 0.05, "closed loop: X = N / (R + Z)");
    assertTrue(run.tasks().tasks() > 0, "tasks of 10 steps complete");
    double minimum = 10 * run.meanResponseSeconds() * 0.5 + 9 * 1.0;
    assertTrue(run.tasks().secondsAt(0.5) > minimum, "a task takes its steps and 9 think times: " + run.tasks().secondsAt(0.5));
  }

  @Test
  void moreAgentsWaitLongerPerStep() throws Exception {
    VirtualAgentRunner r = runner();
    double one = r.simulate(1, 10, 60, 1e9, Map.of(), 5).meanResponseSeconds();
    double many = r.simulate(24, 10, 300, 1e9, Map.of(), 5).meanResponseSeconds();
    assertTrue(many > one * 1.2, "24 agents share the GPU: " + one + " s alone vs " + many + " s");
  }
}
