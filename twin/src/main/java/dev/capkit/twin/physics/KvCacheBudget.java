package dev.capkit.twin.physics;

import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.ModelArchitecture;
import dev.capkit.twin.catalog.ServingConfig;

/**
 * How vLLM splits GPU memory: {@code usable = gpu_memory_utilization x VRAM}; what is left after the
 * weights and the non-KV reserve (activations, CUDA graphs) becomes KV cache, cut into blocks of
 * {@code block_size} tokens. vLLM refuses to start when that room is negative or cannot hold one
 * sequence of {@code max_model_len} tokens; {@link #refusal()} says so in the same terms.
 *
 * <p>Example: A100-80GB, BF16: usable 0.9 x 79.15 GiB = 71.2 GiB; weights 19.2 GiB; reserve 1.5 GiB;
 * KV 50.6 GiB / 40,960 B per token = 1.33 M tokens = 82,900 blocks of 16.
 */
public record KvCacheBudget(
    double usableBytes,
    double weightBytes,
    double nonKvBytes,
    long kvBytesPerToken,
    int blockSize,
    int maxModelLen) {

  private static final double GIB = 1L << 30;

  /**
   * Per GPU: with {@code tensor_parallel_size} n each GPU holds 1/n of the weights and
   * {@code max(1, kv_heads / n)} KV heads (vLLM replicates KV heads when n exceeds them), keeps its
   * own non-KV reserve and uses {@code gpu_memory_utilization} of its own VRAM. {@code kv_cache_dtype}
   * fp8 halves the KV entry.
   */
  public static KvCacheBudget of(ModelArchitecture model, GpuSpec gpu, Dtype dtype, ServingConfig serving) {
    int tp = serving.tensorParallelSize();
    return new KvCacheBudget(
        serving.gpuMemoryUtilization() * gpu.vramBytes(),
        dtype.weightBytes(model) / tp,
        serving.nonKvOverheadGib() * GIB,
        kvBytesPerTokenPerGpu(model, serving),
        serving.blockSize(),
        serving.maxModelLen());
  }

  /** KV bytes one GPU stores per token: its share of KV heads x head_dim x 2 (K, V) x layers x element bytes. */
  public static long kvBytesPerTokenPerGpu(ModelArchitecture model, ServingConfig serving) {
    int tp = serving.tensorParallelSize();
    long full = model.kvBytesPerToken(serving.kvCacheBytesPerElement());
    int headsPerGpu = Math.max(1, model.kvHeads() / tp);
    return full / model.kvHeads() * headsPerGpu;
  }

  /** Bytes left for KV cache (negative when the weights alone do not fit). */
  public double kvBytes() {
    return usableBytes - weightBytes - nonKvBytes;
  }

  public long numBlocks() {
    return kvBytes() <= 0 ? 0 : (long) Math.floor(kvBytes() / ((double) kvBytesPerToken * blockSize));
  }

  public long tokens() {
    return numBlocks() * blockSize;
  }

  /** Null when vLLM would start; otherwise the reason, with the numbers. */
  public String refusal() {
    if (kvBytes() <= 0) {
      return String.format("weights %.1f GiB + non-KV reserve %.1f GiB = %.1f GiB needed but only %.1f GiB usable"
              + " (gpu_memory_utilization x VRAM); no room for KV cache",
          weightBytes / GIB, nonKvBytes / GIB, (weightBytes + nonKvBytes) / GIB, usableBytes / GIB);
    }
    if (tokens() < maxModelLen) {
      return String.format("KV cache room %.2f GiB holds %,d tokens, fewer than max_model_len %,d (needs %.2f GiB);"
              + " weights %.1f GiB of %.1f GiB usable",
          kvBytes() / GIB, tokens(), maxModelLen, (double) maxModelLen * kvBytesPerToken / GIB,
          weightBytes / GIB, usableBytes / GIB);
    }
    return null;
  }

  public boolean fits() {
    return refusal() == null;
  }
}
