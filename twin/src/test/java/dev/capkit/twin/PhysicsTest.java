package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.engine.ContinuousBatchingEngine;
import dev.capkit.twin.engine.EngineRequest;
import dev.capkit.twin.engine.EngineStep;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.ImageTokenRule;
import dev.capkit.twin.physics.StepWork;
import dev.capkit.twin.physics.TextTokenEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The performance model against hand-computed cases, all on the virtual clock. Numbers in the
 * comments were worked out from the shipped catalogs (A100-80GB: 79.15 GiB, 1935 GB/s, 312 TFLOPS;
 * MFU 0.5, MBU 0.75, step overhead 4 ms; GLM-4.1V-9B shape).
 */
class PhysicsTest {
  private static final double GIB = 1L << 30;
  private static final Catalog CATALOG = Catalog.load(null);
  private static final long DECODER_LINEAR = 8_157_921_280L; // 40 x (2x4096^2 + 2x4096x256 + 3x4096x13696)
  private static final long LM_HEAD = 620_756_992L; // 151552 x 4096

  private static ServingPlan a100() throws ServingRefusedException {
    return ServingPlan.resolve(CATALOG, "gn7e-c16g1.4xlarge", "autoglm-phone-9b", Dtype.BF16, 0);
  }

  @Test
  void kvCapacityOfA100TierMatchesHandComputedBudget() throws Exception {
    ServingPlan plan = a100();
    assertEquals(DECODER_LINEAR, plan.model().decoderLinearParams());
    assertEquals(40_960, plan.model().kvBytesPerToken(2));
    double usable = 0.9 * 79.21 * GIB; // 71.29 GiB (gpus.json: 85,056,798,720 B as torch reports it)
    double weights = DECODER_LINEAR * 2.0 + (2.0 * LM_HEAD + 679_477_248 + 210_000_000) * 2; // 19.16 GiB
    double kv = usable - weights - 1.5 * GIB; // 50.57 GiB
    long expectedTokens = (long) Math.floor(kv / (40_960.0 * 16)) * 16; // 1,327,088 tokens
    assertEquals(1_327_088, expectedTokens);
    assertEquals(expectedTokens, plan.budget().tokens());
    // a screenshot step (~4.3k tokens) -> ~308 fit in KV, so max_num_seqs 256 is the binding limit
    assertEquals(256, plan.maxConcurrentSequences(CapacityPredictions.SCREENSHOT_STEP_TOKENS));
  }

  @Test
  void a10Bf16SaysWhichKnobsMakeItStartAndWhatTheyCost() throws Exception {
    ServingRefusedException e = assertThrows(ServingRefusedException.class,
        () -> ServingPlan.resolve(CATALOG, "gn7i-c8g1.2xlarge", "autoglm-phone-9b", Dtype.BF16, 0));
    // 0.95 x 22.49 GiB = 21.37 usable - 19.16 weights - 1.5 reserve = 0.70 GiB of KV / 40,960 B = 18,368 tokens
    assertTrue(e.getMessage().contains("or bf16 at gpu_memory_utilization 0.95 with max_model_len <= 17408: KV room 18,368 tokens"
        + " = 4 concurrent screenshot steps (--gpu-memory-utilization 0.95 --max-model-len 17408)"), e.getMessage());
    ServingPlan tuned = ServingPlan.resolve(CATALOG, "gn7i-c8g1.2xlarge", "autoglm-phone-9b", Dtype.BF16,
        dev.capkit.twin.catalog.VllmKnobs.parse("gpu_memory_utilization=0.95,max_model_len=17408"), null);
    assertEquals(18_368, tuned.budget().tokens());
    assertEquals(4, tuned.maxConcurrentSequences(CapacityPredictions.SCREENSHOT_STEP_TOKENS));
    assertEquals(17_408, tuned.serving().maxModelLen());
  }

  @Test
  void tensorParallelSplitsWeightsAndKvAndAddsAllReduces() throws Exception {
    ServingPlan one = ServingPlan.resolve(CATALOG, "gn7e-c16g1.4xlarge", "autoglm-phone-9b", Dtype.BF16, 0);
    ServingPlan four = ServingPlan.resolve(CATALOG, "gn7e-c16g1.16xlarge", "autoglm-phone-9b", Dtype.BF16, 0);
    assertEquals(4, four.serving().tensorParallelSize());
    assertEquals(one.budget().weightBytes() / 4, four.budget().weightBytes(), 1);
    // GLM-4.1V has 2 KV heads: with 4 GPUs each holds one (replicated), half the bytes per token of one GPU
    assertEquals(20_480, four.budget().kvBytesPerToken());
    StepWork decode = StepWork.decode(4_000);
    double allReduce = 2 * 40 * (8e-6 + 2.0 * 3 / 4 * 4096 * 2 / 300e9);
    assertEquals(allReduce, four.costModel().allReduceSeconds(decode), 1e-12);
    double expected = four.costModel().bytes(decode) / (1935e9 * 0.85) + allReduce + 0.0018;
    assertEquals(expected, four.costModel().seconds(decode), 1e-12);
    assertTrue(four.costModel().seconds(decode) < one.costModel().seconds(decode), "4 GPUs decode faster");
    ServingRefusedException e = assertThrows(ServingRefusedException.class, () -> ServingPlan.resolve(CATALOG,
        "gn7e-c16g1.16xlarge", "autoglm-phone-9b", Dtype.BF16, dev.capkit.twin.catalog.VllmKnobs.parse("tensor_parallel_size=2"), null));
    assertTrue(e.getMessage().contains("tensor_parallel_size 2 but the tier has 4 GPU(s)"), e.getMessage());
  }

  @Test
  void t4RefusesBf16AndSaysWhatFits() {
    ServingRefusedException e = assertThrows(ServingRefusedException.class,
        () -> ServingPlan.resolve(CATALOG, "gn6i-c4g1.xlarge", "autoglm-phone-9b", Dtype.BF16, 0));
    String m = e.getMessage();
    assertTrue(m.contains("weights 19.2 GiB"), m);
    assertTrue(m.contains("only 13.3 GiB usable"), m); // 0.9 x 14.75 GiB (nvidia-smi 15109 MiB)
    assertTrue(m.contains("would fit: int4"), m); // AWQ: 8.0 GiB of weights, ~99k tokens of KV
    assertTrue(!m.contains("or bf16 at gpu_memory_utilization"), "no knob makes 20.7 GiB fit in 14.75 GiB: " + m);
    assertTrue(!m.contains("fp8 ("), "T4 has no FP8 path: " + m);
  }

  @Test
  void singleStreamDecodeSpeedIsBandwidthOverBytesPerStep() throws Exception {
    ServingPlan plan = a100();
    // one text-only request, 4,196 prompt tokens; its seeded answer has a few dozen tokens
    List<RequestRecord> r = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 10)
        .run(List.of(new Arrival(0, "solo", "text", 4_196, 0, 0, 200, true)), 0);
    long[] itl = r.get(0).itlNanos();
    assertEquals(r.get(0).completionTokens() - 1, itl.length);
    assertTrue(itl.length >= 20, "enough decode steps to average: " + itl.length);
    // bytes per step = weights read (2 x 8.158e9 + 2 x 0.621e9 = 17.56 GB) + KV (4,197 x 40,960 = 0.17 GB)
    double bytes = 2.0 * DECODER_LINEAR + 2.0 * LM_HEAD + 4_197 * 40_960.0;
    double expected = bytes / (1935e9 * 0.85) + 0.0018; // 12.6 ms -> 79.5 tokens/s
    double firstGap = itl[0] / 1e9;
    assertEquals(expected, firstGap, expected * 0.001);
    double mean = java.util.Arrays.stream(itl).average().orElseThrow() / 1e9;
    assertEquals(expected, mean, expected * 0.01, "context grows by < 200 tokens: < 1% slower");
    assertEquals(79.5, 1 / mean, 0.8);
  }

  @Test
  void prefillOfAScreenshotPromptIsComputeBound() throws Exception {
    ServingPlan plan = a100();
    // 1080x2400 screenshot -> 3,356 tokens, + 10 text tokens = 3,366 prompt tokens: chunks 2,048 + 1,318
    List<RequestRecord> r = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 10)
        .run(List.of(Arrival.phoneStep(0, "step", 10, 1080, 2400)), 0);
    assertEquals(3_366, r.get(0).promptTokens());
    long patches = 78L * 172; // 1092/14 x 2408/14 = 13,416 patches
    double vision = 2.0 * 679_477_248 * patches + 2.0 * 210_000_000 * patches / 4 + 4.0 * 24 * 1536 * patches * patches;
    double chunk1 = 2.0 * DECODER_LINEAR * 2048 + 4.0 * 40 * 4096 * (2048 * 2049 / 2.0) + vision; // 8.10e13 FLOPs
    double chunk2 = 2.0 * DECODER_LINEAR * 1318 + 2.0 * LM_HEAD + 4.0 * 40 * 4096 * (1318.0 * 2048 + 1318 * 1319 / 2.0);
    double peak = 312e12 * 0.5;
    // host side first: 36 ms per request + 15 ms per megapixel x 2.592 MP = 74.9 ms (serving.json host)
    double host = 0.036 + 0.015 * 1080 * 2400 / 1e6;
    double ttft = host + chunk1 / peak + 0.0018 + chunk2 / peak + 0.0018; // 0.075 + 0.519 + 0.153 + 0.004 = 0.750 s
    assertEquals(0.750, ttft, 0.001);
    assertEquals(ttft, r.get(0).ttftNanos() / 1e9, ttft * 0.001);
  }

  @Test
  void imageTokensFollowGlm41vRule() {
    ImageTokenRule rule = new ImageTokenRule(CATALOG.model("autoglm-phone-9b").images());
    ImageTokenRule.ImageTokens t = rule.tokens(1080, 2400);
    assertEquals(1092, t.resizedWidth());
    assertEquals(2408, t.resizedHeight());
    assertEquals(39 * 86 + 2, t.tokens());
    assertEquals(13_416, t.patches());
    // above max_pixels (5,000,000): 2160x4800 shrinks to fit, floor to 28 px multiples
    ImageTokenRule.ImageTokens big = rule.tokens(2160, 4800);
    assertTrue((long) big.resizedWidth() * big.resizedHeight() <= 5_000_000);
    assertEquals(0, big.resizedWidth() % 28);
    assertEquals(big.resizedWidth() / 28 * (big.resizedHeight() / 28) + 2, big.tokens());
  }

  @Test
  void textTokensAreApproximatedPerScript() {
    assertEquals(6, TextTokenEstimate.count("Open the settings app")); // 21 ASCII chars / 4
    assertEquals(4, TextTokenEstimate.count("打开设置")); // 1 per CJK character
  }

  @Test
  void exhaustedKvPreemptsAndRecomputes() throws Exception {
    ServingPlan plan = a100();
    // 40 blocks x 16 = 640 tokens of KV; 4 requests of 100-token prompts growing to 300 tokens each
    ContinuousBatchingEngine engine = new ContinuousBatchingEngine(plan.serving(), plan.costModel(), 40, 1.0, false);
    List<EngineRequest> requests = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      EngineRequest r = new EngineRequest("r" + i, 100, 0, 0, 0, 200, 0, 0, null);
      requests.add(r);
      engine.add(r);
    }
    int steps = 0;
    int maxRunning = 0;
    while (engine.hasWork() && steps < 10_000) {
      EngineStep step = engine.step();
      maxRunning = Math.max(maxRunning, step.running());
      assertTrue(engine.kvPool().freeBlocks() >= 0);
      steps++;
    }
    assertTrue(engine.preemptions() > 0, "KV for 4 x 300 tokens > 640 tokens must preempt");
    assertEquals(4, maxRunning, "all four start together while KV lasts");
    for (EngineRequest r : requests) {
      assertTrue(r.isFinished());
      assertEquals(200, r.generated());
    }
    assertEquals(0.0, engine.kvUsage(), 1e-12, "all blocks returned (finished prompts stay cached but evictable)");
    // the most recently admitted sequence is the victim (vLLM FCFS): r0 is never preempted
    assertEquals(0, requests.get(0).preemptions());
  }

  @Test
  void queueingGrowsPastSaturationAndStaysFlatBelowIt() throws Exception {
    ServingPlan plan = ServingPlan.resolve(CATALOG, "gn7i-c8g1.2xlarge", "autoglm-phone-9b", Dtype.FP8, 0);
    double capacity = CapacityPredictions.of(plan, 1).sustainableStepsPerSecond();
    double below = meanTtftQuarters(plan, 0.4 * capacity);
    double[] above = quarters(plan, 2.0 * capacity);
    assertTrue(Math.abs(below) < 0.5, "below saturation TTFT is flat (quarters "
        + java.util.Arrays.toString(quarters(plan, 0.4 * capacity)) + ", capacity " + capacity + ")");
    assertTrue(above[3] > above[0] + 10, "past saturation TTFT keeps growing: " + java.util.Arrays.toString(above));
    assertTrue(above[1] < above[2] && above[2] < above[3], java.util.Arrays.toString(above));
  }

  private static double meanTtftQuarters(ServingPlan plan, double rate) {
    double[] q = quarters(plan, rate);
    return q[3] - q[0];
  }

  /** Mean TTFT of each quarter of a 120 s Poisson run at {@code rate} steps/s. */
  private static double[] quarters(ServingPlan plan, double rate) {
    SplittableRandom rnd = new SplittableRandom(7);
    List<Arrival> arrivals = new ArrayList<>();
    double t = 0;
    int i = 0;
    while ((t += -Math.log(1 - rnd.nextDouble()) / rate) < 120) {
      arrivals.add(Arrival.phoneStep(t, "a" + i++, 900, 1080, 2400));
    }
    List<RequestRecord> r = new VirtualRun(plan, 3, 1.0, Profile.PHYSICS, 100_000).run(arrivals, 0);
    double[] sums = new double[4];
    int[] counts = new int[4];
    for (int k = 0; k < r.size(); k++) {
      int quarter = (int) Math.min(3, arrivals.get(k).offsetSeconds() / 30);
      sums[quarter] += r.get(k).ttftNanos() / 1e9;
      counts[quarter]++;
    }
    for (int k = 0; k < 4; k++) {
      sums[k] /= Math.max(1, counts[k]);
    }
    return sums;
  }

  @Test
  void sameSeedAndArrivalsGiveSameTimings() throws Exception {
    ServingPlan plan = a100();
    List<Arrival> arrivals = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      arrivals.add(Arrival.phoneStep(i * 0.05, "s" + i, 900, 1080, 2400));
    }
    List<RequestRecord> a = new VirtualRun(plan, 9, 1.0, Profile.PHYSICS, 256).run(arrivals, 0);
    List<RequestRecord> b = new VirtualRun(plan, 9, 1.0, Profile.PHYSICS, 256).run(arrivals, 0);
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).ttftNanos(), b.get(i).ttftNanos());
      assertEquals(a.get(i).e2eNanos(), b.get(i).e2eNanos());
      assertArrayEquals(a.get(i).itlNanos(), b.get(i).itlNanos());
    }
  }

  @Test
  void slowdownMultipliesStepTimes() throws Exception {
    ServingPlan plan = a100();
    List<Arrival> one = List.of(Arrival.phoneStep(0, "x", 900, 1080, 2400));
    long base = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 8).run(one, 0).get(0).e2eNanos();
    long slow = new VirtualRun(plan, 1, 1.2, Profile.PHYSICS, 8).run(one, 0).get(0).e2eNanos();
    long host = Math.round(plan.coefficients().requestHostSeconds(1080L * 2400) * 1e9); // CPU side: not slowed
    assertEquals(1.2, (double) (slow - host) / (base - host), 1e-6);
    assertEquals(0, new VirtualRun(plan, 1, 1.0, Profile.INSTANT, 8).run(one, 0).get(0).e2eNanos(),
        "instant: nothing takes time, the host side included");
  }
}
