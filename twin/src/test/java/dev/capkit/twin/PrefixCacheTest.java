package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.ServingConfig;
import dev.capkit.twin.engine.ContinuousBatchingEngine;
import dev.capkit.twin.engine.EngineRequest;
import dev.capkit.twin.engine.EngineStep;
import dev.capkit.twin.engine.PromptSegment;
import dev.capkit.twin.physics.Dtype;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vLLM V1 prefix caching in the engine: chained full-block hashes, hits skip prefill, LRU eviction of free blocks. */
class PrefixCacheTest {
  private static final Catalog CATALOG = Catalog.load(null);

  private static ServingPlan plan() throws Exception {
    return ServingPlan.resolve(CATALOG, "gn7e-c16g1.4xlarge", "autoglm-phone-9b", Dtype.BF16, 0);
  }

  private static ContinuousBatchingEngine engine(ServingConfig serving, long blocks) throws Exception {
    return new ContinuousBatchingEngine(serving, plan().costModel(), blocks, 1.0, false);
  }

  private static EngineRequest request(String id, int prompt, int output, PromptSegment... segments) {
    return new EngineRequest(id, prompt, 0, 0, 0, output, 0, 0, null, List.of(segments));
  }

  private static void drain(ContinuousBatchingEngine e) {
    while (e.hasWork()) {
      e.step();
    }
  }

  @Test
  void secondRequestReusesTheSharedFullBlocksOnly() throws Exception {
    ContinuousBatchingEngine e = engine(plan().serving(), 1_000);
    PromptSegment system = new PromptSegment("text:system", 100);
    EngineRequest a = request("a", 300, 4, system);
    e.add(a);
    drain(e);
    EngineRequest b = request("b", 300, 4, system);
    e.add(b);
    EngineStep first = e.step();
    assertEquals(96, b.cachedTokens(), "100 shared tokens = 6 full blocks of 16");
    assertEquals(300 - 96, first.work().tokens(), "only the uncached tokens are prefilled");
    assertEquals(600, e.prefixCacheQueries());
    assertEquals(96, e.prefixCacheHits());
  }

  @Test
  void anIdenticalPromptRecomputesItsLastToken() throws Exception {
    ContinuousBatchingEngine e = engine(plan().serving(), 1_000);
    e.add(request("a", 64, 2, new PromptSegment("text:same", 64)));
    drain(e);
    EngineRequest b = request("b", 64, 2, new PromptSegment("text:same", 64));
    e.add(b);
    e.step();
    assertEquals(48, b.cachedTokens(), "at most (64 - 1) / 16 = 3 blocks: the last token needs logits");
  }

  @Test
  void aDifferentEarlierSegmentBreaksTheChain() throws Exception {
    ContinuousBatchingEngine e = engine(plan().serving(), 1_000);
    e.add(request("a", 200, 2, new PromptSegment("text:x", 32), new PromptSegment("text:history", 168)));
    drain(e);
    EngineRequest b = request("b", 200, 2, new PromptSegment("text:y", 32), new PromptSegment("text:history", 168));
    e.add(b);
    e.step();
    assertEquals(0, b.cachedTokens(), "same later text after a different start shares nothing");
  }

  @Test
  void freeCachedBlocksAreEvictedLeastRecentlyFreedFirst() throws Exception {
    ContinuousBatchingEngine e = engine(plan().serving(), 10);
    e.add(request("a", 48, 1, new PromptSegment("text:a", 48))); // 3 blocks, cached when done
    drain(e);
    e.add(request("b", 48, 1, new PromptSegment("text:b", 48)));
    drain(e);
    assertEquals(0.0, e.kvUsage(), 1e-9, "cached but unreferenced blocks count as free");
    e.add(request("big", 96, 1, new PromptSegment("text:big", 96))); // needs 6 (+1) blocks: 4 free + evicts a's 3
    drain(e);
    EngineRequest a2 = request("a2", 48, 1, new PromptSegment("text:a", 48));
    EngineRequest b2 = request("b2", 48, 1, new PromptSegment("text:b", 48));
    e.add(b2);
    e.add(a2);
    e.step();
    assertEquals(32, b2.cachedTokens(), "b was freed later, so it survived");
    assertEquals(0, a2.cachedTokens(), "a was freed first and evicted");
  }

  @Test
  void disabledCachingReusesNothing() throws Exception {
    ContinuousBatchingEngine e = engine(plan().serving().withPrefixCaching(false), 1_000);
    PromptSegment system = new PromptSegment("text:system", 100);
    e.add(request("a", 300, 2, system));
    drain(e);
    EngineRequest b = request("b", 300, 2, system);
    e.add(b);
    e.step();
    assertEquals(0, b.cachedTokens());
    assertEquals(0, e.prefixCacheQueries());
  }

  @Test
  void phoneStepsShareTheSystemPromptAndGetFasterFirstTokens() throws Exception {
    ServingPlan on = plan();
    ServingPlan off = new ServingPlan(on.tier(), on.gpu(), on.model(), on.dtype(), on.serving().withPrefixCaching(false),
        on.budget(), on.coefficients());
    List<Arrival> steps = List.of(Arrival.phoneStep(0, "s1", 900, 1080, 2400), Arrival.phoneStep(5, "s2", 900, 1080, 2400));
    double withCache = new VirtualRun(on, 1, 1.0, Profile.PHYSICS, 64).run(steps, 0).get(1).ttftNanos();
    double without = new VirtualRun(off, 1, 1.0, Profile.PHYSICS, 64).run(steps, 0).get(1).ttftNanos();
    assertTrue(withCache < without, "the second step reuses the 640-token system prompt: " + withCache + " vs " + without);
  }
}
