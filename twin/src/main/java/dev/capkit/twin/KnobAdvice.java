package dev.capkit.twin;

import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.ModelArchitecture;
import dev.capkit.twin.catalog.ServingConfig;
import dev.capkit.twin.catalog.VllmKnobs;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.KvCacheBudget;
import java.util.Locale;

/**
 * Which vLLM knob makes a refused configuration start, and what it costs: the
 * {@code gpu_memory_utilization} it needs for the configured {@code max_model_len}, or the
 * {@code max_model_len} that fits at {@value #PRACTICAL_UTILIZATION} (the highest value operators use
 * in practice: the rest of VRAM holds the CUDA context and allocator slack vLLM does not count),
 * with the KV room it leaves in tokens and in concurrent screenshot steps.
 *
 * <pre>{@code
 * // A10, bf16: "; or bf16 at gpu_memory_utilization 0.95 with max_model_len <= 16384:
 * //   KV room 17,376 tokens = 4 concurrent screenshot steps (--gpu-memory-utilization 0.95 --max-model-len 16384)"
 * }</pre>
 */
public final class KnobAdvice {
  /** Highest gpu_memory_utilization suggested. */
  public static final double PRACTICAL_UTILIZATION = 0.95;
  private static final double GIB = 1L << 30;

  private KnobAdvice() {}

  /** Empty when no knob helps (the weights alone do not fit at the practical utilization). */
  public static String forRefusal(ModelArchitecture model, GpuSpec gpu, Dtype dtype, ServingConfig serving) {
    if (dtype.unsupportedReason(gpu) != null) {
      return "";
    }
    VllmKnobs knobs = knobsThatFit(model, gpu, dtype, serving);
    if (knobs == null) {
      return "";
    }
    ServingConfig tuned = serving.with(knobs);
    KvCacheBudget b = KvCacheBudget.of(model, gpu, dtype, tuned);
    long steps = b.tokens() / CapacityPredictions.SCREENSHOT_STEP_TOKENS;
    return String.format(Locale.ROOT, "; or %s at gpu_memory_utilization %s%s: KV room %,d tokens = %d concurrent screenshot steps (%s)",
        dtype.key(), trim(tuned.gpuMemoryUtilization()),
        tuned.maxModelLen() != serving.maxModelLen() ? " with max_model_len <= " + tuned.maxModelLen() : "",
        b.tokens(), steps, knobs.flags());
  }

  /**
   * The smallest change that starts: the utilization the configured max_model_len needs (if at most
   * {@value #PRACTICAL_UTILIZATION}), else the largest max_model_len (a multiple of 1,024 holding at
   * least one screenshot step) at {@value #PRACTICAL_UTILIZATION}; null if neither fits.
   */
  public static VllmKnobs knobsThatFit(ModelArchitecture model, GpuSpec gpu, Dtype dtype, ServingConfig serving) {
    KvCacheBudget at = KvCacheBudget.of(model, gpu, dtype, serving);
    double perGpuVram = gpu.vramBytes();
    double need = at.weightBytes() + at.nonKvBytes() + (double) serving.maxModelLen() * at.kvBytesPerToken();
    double util = Math.ceil(need / perGpuVram * 100 + 1e-9) / 100;
    if (util <= PRACTICAL_UTILIZATION) {
      VllmKnobs k = VllmKnobs.NONE.withGpuMemoryUtilization(Math.max(util, serving.gpuMemoryUtilization()));
      return KvCacheBudget.of(model, gpu, dtype, serving.with(k)).fits() ? k : null;
    }
    double room = PRACTICAL_UTILIZATION * perGpuVram - at.weightBytes() - at.nonKvBytes();
    long blocks = (long) Math.floor(room / ((double) at.kvBytesPerToken() * serving.blockSize()));
    long len = blocks * serving.blockSize() / 1024 * 1024;
    if (len < CapacityPredictions.SCREENSHOT_STEP_TOKENS) {
      return null;
    }
    VllmKnobs k = VllmKnobs.NONE.withGpuMemoryUtilization(PRACTICAL_UTILIZATION).withMaxModelLen((int) Math.min(len, serving.maxModelLen()));
    return KvCacheBudget.of(model, gpu, dtype, serving.with(k)).fits() ? k : null;
  }

  private static String trim(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
