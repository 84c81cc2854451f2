package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.twin.catalog.CalibrationProfile;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.VllmKnobs;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.StepCostModel;
import dev.capkit.twin.physics.StepWork;
import dev.capkit.twin.physics.TwinCoefficients;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Separate compute fractions for prefill ({@code mfu}) and decode ({@code decode_mfu}), and the
 * engine-side prompt time the llama.cpp engine counts, against hand-computed cases on the CPU tier
 * ({@code CPU-2C}: 0.02315 TFLOP/s, 11.899 GB/s) serving capkit's generated 30M model (9 blocks x 512,
 * FF 1408, 8 heads of 64, vocabulary 3,028).
 */
class DecodeComputeFractionTest {
  private static final Catalog CATALOG = Catalog.load(null);
  private static final double PEAK = 0.02315e12;
  private static final long DECODER_LINEAR = 9L * (2 * 512 * 512 + 2 * 512 * 256 + 3 * 512 * 1408); // 26,542,080
  private static final long LM_HEAD = 3028L * 512; // 1,550,336
  private static final double ATTENTION = 4.0 * 9 * 512; // FLOPs per (query, key) pair, all layers

  private static ServingPlan cpu(TwinCoefficients c, String knobs) throws Exception {
    return ServingPlan.resolve(CATALOG, "llamacpp-host-2c", "capkit-random-llama-30m-seed42-v1", Dtype.BF16,
        VllmKnobs.parse(knobs), c);
  }

  private static TwinCoefficients split(double mfu, double decodeMfu) {
    return new TwinCoefficients("test", 2e-3, mfu, decodeMfu, 0.9, 1e-3, 0, 0);
  }

  @Test
  void aMixedStepPricesPrefillAndDecodeFlopsAtTheirOwnFractions() throws Exception {
    StepCostModel cost = cpu(split(0.6, 0.3), "max_num_seqs=4").costModel();
    assertEquals(PEAK, cost.peakFlops(), 1);
    // a 200-token prompt chunk that ends its prompt (samples once) + one sequence decoding at context 100
    StepWork step = StepWork.prefill(0, 200, true).plus(StepWork.decode(100));
    double prefillFlops = 2.0 * DECODER_LINEAR * 200 + 2.0 * LM_HEAD + ATTENTION * (200 * 201 / 2.0); // 1.0999e10
    double decodeFlops = 2.0 * DECODER_LINEAR + 2.0 * LM_HEAD + ATTENTION * 101; // 5.619e7
    assertEquals(decodeFlops, cost.decodeFlops(step), 1e-3);
    assertEquals(prefillFlops + decodeFlops, cost.flops(step), 1e-3);
    double compute = prefillFlops / (PEAK * 0.6) + decodeFlops / (PEAK * 0.3); // 0.7919 + 0.0081 s
    assertEquals(compute, cost.computeSeconds(step), 1e-12);
    assertTrue(cost.memorySeconds(step) < compute, "compute-bound step");
    assertEquals(compute + 2e-3, cost.seconds(step), 1e-12);
    // four sequences decoding together: 4 x their FLOPs at decode_mfu, vs the weights read once
    StepWork batch = StepWork.decode(50).plus(StepWork.decode(60)).plus(StepWork.decode(70)).plus(StepWork.decode(80));
    double batchFlops = 4 * (2.0 * DECODER_LINEAR + 2.0 * LM_HEAD) + ATTENTION * (51 + 61 + 71 + 81);
    assertEquals(batchFlops / (PEAK * 0.3) + 2e-3, cost.seconds(batch), 1e-12); // 32.7 ms: compute-bound
  }

  @Test
  void oneComputeFractionIsTheFormerRooflineExactly() throws Exception {
    TwinCoefficients one = split(0.45, 0.45);
    assertTrue(one.oneComputeFraction());
    StepCostModel cost = cpu(one, "max_num_seqs=4").costModel();
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      StepWork w = StepWork.prefill(r.nextInt(500), 1 + r.nextInt(600), r.nextBoolean());
      for (int d = r.nextInt(5); d > 0; d--) {
        w = w.plus(StepWork.decode(r.nextInt(1000)));
      }
      assertEquals(cost.flops(w) / (PEAK * 0.45), cost.computeSeconds(w), 0.0);
    }
    // every GPU in the shipped catalog has one compute fraction: their predictions (evidence table,
    // golden files) are the former model's. A GPU given a separate decode_mfu changes them: regenerate
    // those deliberately, with the evidence that says so.
    for (GpuSpec gpu : CATALOG.gpus().values()) {
      assertTrue(CATALOG.coefficients(gpu.id()).oneComputeFraction(), gpu.id() + " sets decode_mfu apart");
    }
  }

  @Test
  void profileDecodeFractionAppliesAndAProfileWithoutItKeepsOneFraction() {
    TwinCoefficients base = CATALOG.coefficients("CPU-2C");
    CalibrationProfile both = new CalibrationProfile("p", "CPU-2C", null, null, Map.of("mfu", 0.7, "decode_mfu", 0.35),
        Map.of(), "memory");
    TwinCoefficients c = both.applyTo(base, "CPU-2C");
    assertEquals(0.7, c.prefillMfu());
    assertEquals(0.35, c.decodeMfu());
    assertTrue(c.describe().contains("mfu 0.700, decode_mfu 0.350"), c.describe());
    assertEquals(0.35, CalibrationProfile.read(writeRead(both)).applyTo(base, "CPU-2C").decodeMfu());
    // a profile fitted with one fraction (no decode_mfu) moves decode with its mfu, as its fit did
    TwinCoefficients one = new CalibrationProfile("q", null, null, null, Map.of("mfu", 0.4), Map.of(), "memory")
        .applyTo(c, "CPU-2C");
    assertEquals(0.4, one.decodeMfu());
    // a profile that sets neither keeps the base's separate decode fraction
    TwinCoefficients neither = new CalibrationProfile("r", null, null, null, Map.of("mbu", 0.5), Map.of(), "memory")
        .applyTo(c, "CPU-2C");
    assertEquals(0.35, neither.decodeMfu());
  }

  private static java.nio.file.Path writeRead(CalibrationProfile p) {
    try {
      java.nio.file.Path f = java.nio.file.Files.createTempFile("profile", ".json");
      p.write(f);
      return f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void promptTimeCountsFromTheSlotNotFromWaitingForIt() throws Exception {
    ServingPlan plan = cpu(split(0.6, 0.3), "max_num_seqs=1,max_model_len=1024,enable_prefix_caching=false")
        .withAnswers(dev.capkit.twin.answers.AnswerLength.FILL_MAX_TOKENS);
    Map<String, Double> prompt = new HashMap<>();
    List<RequestRecord> r = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 10).run(List.of(
        new Arrival(0, "a", "text", 100, 0, 0, 3, true),
        new Arrival(0, "b", "text", 100, 0, 0, 3, true)), 0, prompt::put);
    StepCostModel cost = plan.costModel();
    int tokens = r.get(0).promptTokens();
    // llama.cpp's shared KV cache: every token attends over the used cells, padded to 32 (b's slot drops a's cells)
    double p = cost.seconds(StepWork.prefill(0, tokens, true).overSharedCache(pad(tokens)));
    double d1 = cost.seconds(StepWork.decode(tokens).overSharedCache(pad(tokens + 1)));
    double d2 = cost.seconds(StepWork.decode(tokens + 1).overSharedCache(pad(tokens + 2)));
    double host = 1e-3;
    // a: one slot free, its prompt is one prefill step; b: waits for a's 3 tokens, then the same
    assertEquals(p, prompt.get("a"), 1e-9);
    assertEquals(p, prompt.get("b"), 1e-9);
    assertEquals(host + p, r.get(0).ttftNanos() / 1e9, 1e-6);
    assertEquals(host + p + d1 + d2 + p, r.get(1).ttftNanos() / 1e9, 1e-6);
  }

  @Test
  void promptTimeIncludesTheStepInFlightWhenASlotWasFree() throws Exception {
    ServingPlan plan = cpu(split(0.6, 0.3), "max_num_seqs=2,max_model_len=2048,enable_prefix_caching=false")
        .withAnswers(dev.capkit.twin.answers.AnswerLength.FILL_MAX_TOKENS);
    StepCostModel cost = plan.costModel();
    Map<String, Double> prompt = new HashMap<>();
    // a's long prompt is in flight when b reaches the engine halfway through it; b joins the next step
    List<RequestRecord> r0 = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 10).run(List.of(
        new Arrival(0, "a", "text", 1000, 0, 0, 5, true)), 0);
    int aTokens = r0.get(0).promptTokens();
    double pa = cost.seconds(StepWork.prefill(0, aTokens, true).overSharedCache(pad(aTokens)));
    double bArrives = pa / 2;
    List<RequestRecord> r = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 10).run(List.of(
        new Arrival(0, "a", "text", 1000, 0, 0, 5, true),
        new Arrival(bArrives, "b", "text", 100, 0, 0, 5, true)), 0, prompt::put);
    int bTokens = r.get(1).promptTokens();
    double host = 1e-3;
    double step1 = cost.seconds(StepWork.decode(aTokens).plus(StepWork.prefill(0, bTokens, true))
        .overSharedCache(pad(aTokens + 1 + bTokens)));
    // b was ready at bArrives + host, waited for the rest of a's prefill step, then its own step
    assertEquals(host + pa - (bArrives + host) + step1, prompt.get("b"), 1e-9);
    assertEquals(host + pa + step1 - bArrives, r.get(1).ttftNanos() / 1e9, 1e-6);
  }

  /**
   * llama.cpp keeps a finished request's KV cells in its slot until the slot takes the next request, and
   * every token attends over all used cells: a request served after a long one, in the other slot, pays
   * for the long one's leftovers (measured: a short stream's tokens took ~2x as long right after four
   * long-prompt streams, the cost falling as each slot was reused; calibration/README.md).
   */
  @Test
  void aSharedCacheKeepsAFinishedRequestsCellsUntilItsSlotIsReused() throws Exception {
    ServingPlan plan = cpu(split(0.6, 0.3), "max_num_seqs=2,max_model_len=2048,enable_prefix_caching=false")
        .withAnswers(dev.capkit.twin.answers.AnswerLength.FILL_MAX_TOKENS);
    StepCostModel cost = plan.costModel();
    assertTrue(cost.sharedKvCache(), "the CPU tier runs llama.cpp");
    List<RequestRecord> r = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 10).run(List.of(
        new Arrival(0, "a", "text", 1000, 0, 0, 2, true),
        new Arrival(100, "b", "text", 100, 0, 0, 2, true),
        new Arrival(200, "c", "text", 100, 0, 0, 2, true)), 0);
    int aCells = r.get(0).promptTokens() + 1; // its prompt and the first answer token (the last is never cached)
    int b = r.get(1).promptTokens();
    double host = 1e-3;
    // b takes the never-used slot: a's cells are still in the other one
    assertEquals(host + cost.seconds(StepWork.prefill(0, b, true).overSharedCache(pad(aCells + b))),
        r.get(1).ttftNanos() / 1e9, 1e-6);
    // c takes a's slot (least recently freed), which drops a's cells; b's stay
    assertEquals(host + cost.seconds(StepWork.prefill(0, b, true).overSharedCache(pad(b + 1 + b))),
        r.get(2).ttftNanos() / 1e9, 1e-6);
    assertTrue(r.get(1).ttftNanos() > r.get(2).ttftNanos() * 1.2, "a's leftovers cost b more than b's cost c");
  }

  private static long pad(long cells) {
    return (cells + 31) / 32 * 32;
  }
}
