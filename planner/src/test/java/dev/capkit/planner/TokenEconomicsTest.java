package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.planner.capacity.ReplicaPlan;
import dev.capkit.planner.capacity.TokenEconomics;
import dev.capkit.twin.power.GpuPowerModel;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** J per output token and cost per million output tokens by hand. */
class TokenEconomicsTest {
  // 10 req/s over 16 replicas (15 + 1) at 0.7 req/s each, 30 CNY/h a replica: 480 CNY/h
  private static final ReplicaPlan PLAN = new ReplicaPlan(10, 0.3, 0.7, 15, 16, 12, 1.0, 1.0, "", 30, 480, 480 / 36.0, null);
  private static final GpuPowerModel A100 = new GpuPowerModel("A100-80GB", 40, 300, "idle", "max");

  @Test
  void knownAnswer() {
    TokenEconomics t = TokenEconomics.of("gn7e-c16g1.4xlarge", "bf16", 1, PLAN, 1.0, 200, Optional.of(A100));
    assertNull(t.undefinedReason());
    assertEquals(0.7, t.utilization(), 1e-12);
    assertEquals(40 + 260 * 0.7, t.wattsPerReplica(), 1e-9);                  // 222 W
    assertEquals(222 / (0.7 * 200), t.joulesPerOutputToken(), 1e-9);          // 1.586 J per output token
    assertEquals(480 / (10 * 200 * 3600.0) * 1e6, t.costPerMillionOutputTokens(), 1e-9);   // 66.67 CNY per 1M output tokens
    assertTrue(t.basis().startsWith("predicted: 1 x A100-80GB power model at u = 0.7"), t.basis());
    TokenEconomics two = TokenEconomics.of("x", "bf16", 2, PLAN, 1.0, 200, Optional.of(A100));
    assertEquals(2 * t.joulesPerOutputToken(), two.joulesPerOutputToken(), 1e-9, "two GPUs per replica draw twice");
  }

  @Test
  void undefinedWithoutTokensOrPowerModelSaysWhy() {
    TokenEconomics noTokens = TokenEconomics.of("t", "bf16", 1, PLAN, 1.0, Double.NaN, Optional.of(A100));
    assertTrue(noTokens.undefinedReason().contains("no measured output tokens"), noTokens.undefinedReason());
    TokenEconomics noPower = TokenEconomics.of("t", "bf16", 1, PLAN, 1.0, 200, Optional.empty());
    assertTrue(Double.isNaN(noPower.joulesPerOutputToken()) && noPower.costPerMillionOutputTokens() > 0);
    assertTrue(noPower.undefinedReason().contains("gpu-power.json has no power model"), noPower.undefinedReason());
  }
}
