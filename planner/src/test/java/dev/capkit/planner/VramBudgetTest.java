package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.planner.capacity.ReplicaPlan;
import dev.capkit.planner.capacity.VramBudget;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VRAM budget computed by hand from the catalog's numbers, and the replica/cost arithmetic. */
class VramBudgetTest {
  private static final double GIB = 1L << 30;
  private final Catalog catalog = Catalog.load(null);

  @Test
  void a100BfloatBudgetByHand() {
    // Decoder linear: 40 x (q 4096x4096 + k,v 2x4096x256 + o 4096x4096 + mlp 3x4096x13696) = 8,157,921,280 params
    long decoder = 40L * (4096L * 4096 + 2L * 4096 * 256 + 4096L * 4096 + 3L * 4096 * 13696);
    assertEquals(8_157_921_280L, decoder);
    // Embedding and lm_head 151,552 x 4096 each (untied), vision tower 679,477,248 + merger 210,000,000, all 16-bit.
    double weights = decoder * 2.0 + (2 * 151_552L * 4096 + 679_477_248L + 210_000_000L) * 2.0;
    double usable = 0.9 * 79.21 * GIB; // gpus.json A100-80GB: 85,056,798,720 B as torch reports it
    double kvRoom = usable - weights - 1.5 * GIB;
    // Little's law: 1.2 req/s x 5 s mean E2E = 6 sequences of 4,400 tokens x 40,960 B (2 x 40 layers x 2 heads x 128 x 2 B).
    double kvNeeded = 1.2 * 5.0 * 4_400 * 40_960;

    VramBudget v = VramBudget.of(catalog.model("autoglm-phone-9b"), catalog.gpu("A100-80GB"), Dtype.BF16, catalog.serving(), 1.2, 5.0,
        4_400);

    assertEquals(weights / GIB, v.weightsGib(), 1e-9);
    assertEquals(19.2, v.weightsGib(), 0.05);
    assertEquals(usable / GIB, v.usableGib(), 1e-9);
    assertEquals(kvRoom / GIB, v.kvRoomGib(), 1e-9);
    assertEquals((long) Math.floor(kvRoom / (40_960.0 * 16)) * 16, v.kvRoomTokens());
    assertEquals(6.0, v.concurrency(), 1e-12);
    assertEquals(kvNeeded / GIB, v.kvNeededGib(), 1e-9);
    assertTrue(v.fits());
    assertEquals(List.of("bf16", "fp8", "int4"), v.dtypesThatFit().stream().map(s -> s.split(" ")[0]).toList());
  }

  @Test
  void t4CannotHoldBfloatWeightsAndSaysWhatFits() {
    VramBudget v = VramBudget.of(catalog.model("autoglm-phone-9b"), catalog.gpu("T4"), Dtype.BF16, catalog.serving(), 0.1, 5, 4_400);
    assertFalse(v.fits());
    assertTrue(v.reason().contains("no room for KV cache"), v.reason());
    assertEquals(List.of("int4"), v.dtypesThatFit().stream().map(s -> s.split(" ")[0]).toList());
  }

  @Test
  void loadWhoseKvExceedsTheRoomIsInfeasible() {
    VramBudget v = VramBudget.of(catalog.model("autoglm-phone-9b"), catalog.gpu("A10"), Dtype.FP8, catalog.serving(), 10, 30, 4_400);
    assertFalse(v.fits());
    assertTrue(v.reason().startsWith("KV cache for the target load"), v.reason());
  }

  @Test
  void replicasHeadroomNPlusOneAndCost() {
    // 10 req/s, 1.0 req/s sustainable, 30% headroom: 0.7 per replica -> ceil(14.29) = 15, +1 = 16.
    ReplicaPlan r = ReplicaPlan.of(10, 1.0, 0.3, 1.3, 5.0, 0.99, 34.74);
    assertEquals(15, r.base());
    assertEquals(16, r.replicas());
    assertEquals(16 * 34.74, r.costPerHour(), 1e-9);
    assertEquals(16 * 34.74 / 36.0, r.costPer1000(), 1e-9);
    assertTrue(r.erlangReplicas() >= 8, "M/M/c needs at least lambda/mu = 7.7 servers: " + r.erlangReplicas());
    ReplicaPlan unpriced = ReplicaPlan.of(10, 1.0, 0.3, 1.3, 5.0, 0.99, Double.NaN);
    assertTrue(Double.isNaN(unpriced.costPerHour()));
  }
}
