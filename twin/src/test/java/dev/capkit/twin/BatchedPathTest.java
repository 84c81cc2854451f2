package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.CalibrationProfile;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.VllmKnobs;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.StepCostModel;
import dev.capkit.twin.physics.StepWork;
import dev.capkit.twin.physics.TwinCoefficients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batched-path step cost ({@code batched_step_ms}): llama.cpp on a CPU runs a step of one token through
 * matrix-vector products (priced at {@code decode_mfu}) and a step of several tokens through its matrix-matrix
 * kernels (a fixed time more, every token at {@code mfu}). Hand-computed on the CPU tier {@code CPU-2C}
 * (0.02315 TFLOP/s, 11.899 GB/s) serving capkit's generated 30M model (as {@link DecodeComputeFractionTest}).
 */
class BatchedPathTest {
  private static final Catalog CATALOG = Catalog.load(null);
  private static final double PEAK = 0.02315e12;
  private static final long DECODER_LINEAR = 9L * (2 * 512 * 512 + 2 * 512 * 256 + 3 * 512 * 1408);
  private static final long LM_HEAD = 3028L * 512;
  private static final double ATTENTION = 4.0 * 9 * 512;

  private static StepCostModel cpu(TwinCoefficients c) throws Exception {
    return ServingPlan.resolve(CATALOG, "llamacpp-host-2c", "capkit-random-llama-30m-seed42-v1", Dtype.BF16,
        VllmKnobs.parse("max_num_seqs=4"), c).costModel();
  }

  /** step overhead 0.1 ms, batched path 10 ms, mfu 0.5, decode_mfu 0.2, mbu 0.9. */
  private static TwinCoefficients twoPaths() {
    return new TwinCoefficients("test", 1e-4, 0.5, 0.2, 0.9, 1e-3, 0, 0, 10e-3);
  }

  @Test
  void oneTokenRunsAtTheDecodeFractionSeveralPayTheBatchedPathAtMfu() throws Exception {
    StepCostModel cost = cpu(twoPaths());
    double token = 2.0 * DECODER_LINEAR + 2.0 * LM_HEAD; // 5.6184e7 FLOPs without attention
    StepWork one = StepWork.decode(100);
    double oneCompute = (token + ATTENTION * 101) / (PEAK * 0.2); // 12.53 ms
    assertEquals(oneCompute, cost.computeSeconds(one), 1e-12);
    assertTrue(cost.memorySeconds(one) < oneCompute, "compute-bound at decode_mfu 0.2");
    assertEquals(oneCompute + 1e-4, cost.seconds(one), 1e-12);
    // two sequences decoding: the matrix-matrix path, both tokens at mfu, plus the batched path's 10 ms
    StepWork two = StepWork.decode(100).plus(StepWork.decode(200));
    double twoCompute = (2 * token + ATTENTION * (101 + 201)) / (PEAK * 0.5); // 10.18 ms
    assertEquals(twoCompute, cost.computeSeconds(two), 1e-12);
    assertEquals(twoCompute + 1e-4 + 10e-3, cost.seconds(two), 1e-12);
    // a prompt is a step of several tokens too: the same path
    StepWork prompt = StepWork.prefill(0, 50, true);
    double promptFlops = 2.0 * DECODER_LINEAR * 50 + 2.0 * LM_HEAD + ATTENTION * (50 * 51 / 2.0);
    assertEquals(promptFlops / (PEAK * 0.5) + 1e-4 + 10e-3, cost.seconds(prompt), 1e-12);
    // the measured shape (calibration/README.md): the first companion costs more than the next one (7.65 vs 5.33 ms
    // here), where one path adds the same per sequence
    StepWork three = two.plus(StepWork.decode(300));
    double firstCompanion = cost.seconds(two) - cost.seconds(one);
    double secondCompanion = cost.seconds(three) - cost.seconds(two);
    assertEquals(7.652e-3, firstCompanion, 1e-6);
    assertEquals((token + ATTENTION * 301) / (PEAK * 0.5), secondCompanion, 1e-12);
  }

  @Test
  void withoutABatchedPathCostTheRooflineIsUnchanged() throws Exception {
    TwinCoefficients twoPaths = twoPaths();
    TwinCoefficients onePath = twoPaths.withBatchedStepSeconds(0);
    StepCostModel cost = cpu(onePath);
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 200; i++) {
      StepWork w = StepWork.prefill(r.nextInt(500), 1 + r.nextInt(600), r.nextBoolean());
      for (int d = r.nextInt(5); d > 0; d--) {
        w = w.plus(StepWork.decode(r.nextInt(1000)));
      }
      double decode = cost.decodeFlops(w);
      assertEquals((cost.flops(w) - decode) / (PEAK * 0.5) + decode / (PEAK * 0.2), cost.computeSeconds(w), 1e-15);
      assertEquals(0.0, cost.batchedSeconds(w));
    }
    // no catalog GPU has a batched-path cost: only a calibration profile sets it
    for (GpuSpec gpu : CATALOG.gpus().values()) {
      assertEquals(0.0, CATALOG.coefficients(gpu.id()).batchedStepSeconds(), gpu.id());
    }
  }

  @Test
  void aProfileCarriesTheBatchedPathCostAndOneWithoutItKeepsTheBase() throws Exception {
    TwinCoefficients base = CATALOG.coefficients("CPU-2C");
    CalibrationProfile p = new CalibrationProfile("p", "CPU-2C", null, null,
        Map.of("batched_step_ms", 9.5, "mfu", 0.55, "decode_mfu", 0.25), Map.of(), "memory");
    Path f = Files.createTempFile("profile", ".json");
    p.write(f);
    assertTrue(Files.readString(f).contains("\"batched_step_ms\" : 9.5"), Files.readString(f));
    TwinCoefficients c = CalibrationProfile.read(f).applyTo(base, "CPU-2C");
    assertEquals(9.5e-3, c.batchedStepSeconds(), 1e-15);
    assertTrue(c.describe().contains("batched_step_ms 9.50"), c.describe());
    TwinCoefficients kept = new CalibrationProfile("q", null, null, null, Map.of("mbu", 0.5), Map.of(), "memory")
        .applyTo(c, "CPU-2C");
    assertEquals(9.5e-3, kept.batchedStepSeconds(), 1e-15);
    assertEquals(0.0, base.batchedStepSeconds());
  }
}
