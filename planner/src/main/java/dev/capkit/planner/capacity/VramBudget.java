package dev.capkit.planner.capacity;

import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.ModelArchitecture;
import dev.capkit.twin.catalog.ServingConfig;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.KvCacheBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GPU memory of one replica: what vLLM can use ({@code gpu_memory_utilization x VRAM}), the weights
 * in the dtype, the non-KV reserve, and the KV cache the target load needs, with the emulator's
 * {@link KvCacheBudget} as the one source of these numbers. The KV needed is Little's law:
 * {@code concurrency = per-replica rate x mean E2E} sequences, each holding
 * {@code prompt + completion} tokens at its end (a conservative peak), x KV bytes per token.
 *
 * <pre>{@code
 * VramBudget v = VramBudget.of(model, gpu, Dtype.BF16, serving, 1.2, 6.5, 4_400);
 * v.fits() ? v.headroomGib() : v.reason() + "; " + v.dtypesThatFit();
 * }</pre>
 *
 * @param concurrency       sequences in flight per replica (Little's law), NaN when the inputs are unknown
 * @param tokensPerSequence prompt + completion tokens per request (measured mean)
 * @param kvNeededGib       KV cache those sequences hold
 * @param reason            null when it fits; else why not (vLLM refusing to start, or KV too small for the load)
 * @param dtypesThatFit     dtypes the GPU supports whose budget starts and holds the load, e.g. {@code fp8 (weights 11.6 GiB, ...)}
 */
public record VramBudget(String dtype, double vramGib, double usableGib, double weightsGib, double nonKvGib, double kvRoomGib,
    long kvRoomTokens, double concurrency, double tokensPerSequence, double kvNeededGib, String reason, List<String> dtypesThatFit) {

  private static final double GIB = 1L << 30;

  public boolean fits() {
    return reason == null;
  }

  /** False when the plan could not judge memory at all (the served model is not in the catalog). */
  public boolean judged() {
    return !Double.isNaN(weightsGib);
  }

  /** A budget the plan does not judge: the GPU's memory is known, the model's needs are not; {@code reason} says why. */
  public static VramBudget notJudged(GpuSpec gpu, String dtype, String reason) {
    return new VramBudget(dtype, gpu.vramGib(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN,
        reason, List.of());
  }

  public static VramBudget of(ModelArchitecture model, GpuSpec gpu, Dtype dtype, ServingConfig serving, double ratePerReplica,
      double meanE2eSeconds, double tokensPerSequence) {
    KvCacheBudget b = KvCacheBudget.of(model, gpu, dtype, serving);
    double concurrency = ratePerReplica * meanE2eSeconds;
    double kvNeeded = concurrency * tokensPerSequence * b.kvBytesPerToken() / GIB;
    String reason = reason(dtype, gpu, b, concurrency, tokensPerSequence, kvNeeded);
    if (reason != null && !b.fits()) {
      reason += dev.capkit.twin.KnobAdvice.forRefusal(model, gpu, dtype, serving);
    }
    List<String> fit = new ArrayList<>();
    for (Dtype d : Dtype.values()) {
      KvCacheBudget other = KvCacheBudget.of(model, gpu, d, serving);
      double need = concurrency * tokensPerSequence * other.kvBytesPerToken() / GIB;
      if (reason(d, gpu, other, concurrency, tokensPerSequence, need) == null) {
        fit.add(String.format(Locale.ROOT, "%s (weights %.1f GiB, KV room %,d tokens)", d.key(), other.weightBytes() / GIB, other.tokens()));
      }
    }
    return new VramBudget(dtype.key(), gpu.vramGib(), b.usableBytes() / GIB, b.weightBytes() / GIB, b.nonKvBytes() / GIB,
        Math.max(0, b.kvBytes()) / GIB, b.tokens(), concurrency, tokensPerSequence, kvNeeded, reason, List.copyOf(fit));
  }

  private static String reason(Dtype dtype, GpuSpec gpu, KvCacheBudget b, double concurrency, double tokens, double kvNeededGib) {
    String unsupported = dtype.unsupportedReason(gpu);
    if (unsupported != null) {
      return unsupported;
    }
    if (!b.fits()) {
      return b.refusal();
    }
    if (!Double.isNaN(kvNeededGib) && kvNeededGib * GIB > b.kvBytes()) {
      return String.format(Locale.ROOT, "KV cache for the target load: %.1f sequences in flight x %,.0f tokens x %,d B = %.1f GiB,"
          + " more than the %.1f GiB KV room (vLLM would queue or preempt)", concurrency, tokens, b.kvBytesPerToken(), kvNeededGib,
          b.kvBytes() / GIB);
    }
    return null;
  }

  /** KV room left after the load's sequences. */
  public double headroomGib() {
    return Double.isNaN(kvNeededGib) ? Double.NaN : kvRoomGib - kvNeededGib;
  }
}
