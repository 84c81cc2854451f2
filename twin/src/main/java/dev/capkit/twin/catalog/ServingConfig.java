package dev.capkit.twin.catalog;

import java.util.Locale;

/**
 * The emulated {@code vllm serve} flags, the non-KV memory reserve and the host process profile.
 * The fitted timing coefficients (MFU, MBU, step overhead, host-side times) are not here: they are
 * {@link dev.capkit.twin.physics.TwinCoefficients}, per GPU ({@link Catalog#coefficients(String)}).
 * Reasons for each value live next to it in {@code serving.json}; an operator's overrides are
 * {@link VllmKnobs} ({@link #with(VllmKnobs)}).
 *
 * @param kvCacheBytesPerElement 2 for {@code kv_cache_dtype=auto} (16-bit), 1 for {@code fp8}
 * @param tensorParallelSize     GPUs one replica is split across ({@code tensor_parallel_size})
 * @param maxPixels              {@code mm_processor_kwargs.max_pixels}; 0 = the model's processor default
 */
public record ServingConfig(
    double gpuMemoryUtilization,
    int blockSize,
    int maxNumSeqs,
    int maxNumBatchedTokens,
    int maxModelLen,
    int maxImagesPerPrompt,
    boolean enablePrefixCaching,
    double nonKvOverheadGib,
    HostProfile host,
    int kvCacheBytesPerElement,
    int tensorParallelSize,
    long maxPixels) {

  /** The catalog form: 16-bit KV, one GPU, the processor's own max_pixels. */
  public ServingConfig(double gpuMemoryUtilization, int blockSize, int maxNumSeqs, int maxNumBatchedTokens, int maxModelLen,
      int maxImagesPerPrompt, boolean enablePrefixCaching, double nonKvOverheadGib, HostProfile host) {
    this(gpuMemoryUtilization, blockSize, maxNumSeqs, maxNumBatchedTokens, maxModelLen, maxImagesPerPrompt,
        enablePrefixCaching, nonKvOverheadGib, host, 2, 1, 0);
  }

  /**
   * vLLM's scheduling defaults for the OpenAI server by GPU class, applied where this config leaves
   * {@code max_num_seqs} / {@code max_num_batched_tokens} at 0 ("auto", {@code null} in serving.json).
   * Source: vLLM {@code infer_accelerator_scheduling_defaults} (vllm/config, 2026 main): >= 70 GiB and
   * not A100: 1024 seqs / 8192 tokens; >= 40 GiB and not A100: 512 / 4096; otherwise (A100, 24 GiB
   * class): 256 / 2048. Releases up to v0.27 had only the 70 GiB split (EngineArgs.get_batch_defaults).
   */
  public ServingConfig forGpu(GpuSpec gpu) {
    boolean a100 = gpu.name().toLowerCase(Locale.ROOT).contains("a100");
    double memGib = gpu.vramGib();
    int seqs = !a100 && memGib >= 70 ? 1024 : !a100 && memGib >= 40 ? 512 : 256;
    int tokens = !a100 && memGib >= 70 ? 8192 : !a100 && memGib >= 40 ? 4096 : 2048;
    return new ServingConfig(gpuMemoryUtilization, blockSize, maxNumSeqs > 0 ? maxNumSeqs : seqs,
        maxNumBatchedTokens > 0 ? maxNumBatchedTokens : tokens, maxModelLen, maxImagesPerPrompt, enablePrefixCaching,
        nonKvOverheadGib, host, kvCacheBytesPerElement, tensorParallelSize, maxPixels);
  }

  /** This config with an operator's vLLM flags applied (unset knobs keep their values). */
  public ServingConfig with(VllmKnobs k) {
    return new ServingConfig(
        k.gpuMemoryUtilization() != null ? k.gpuMemoryUtilization() : gpuMemoryUtilization,
        blockSize,
        k.maxNumSeqs() != null ? k.maxNumSeqs() : maxNumSeqs,
        k.maxNumBatchedTokens() != null ? k.maxNumBatchedTokens() : maxNumBatchedTokens,
        k.maxModelLen() != null ? k.maxModelLen() : maxModelLen,
        k.limitMmPerPromptImage() != null ? k.limitMmPerPromptImage() : maxImagesPerPrompt,
        k.enablePrefixCaching() != null ? k.enablePrefixCaching() : enablePrefixCaching,
        nonKvOverheadGib, host,
        k.kvCacheDtype() != null ? (k.kvCacheDtype().equals("fp8") ? 1 : 2) : kvCacheBytesPerElement,
        k.tensorParallelSize() != null ? k.tensorParallelSize() : tensorParallelSize,
        k.maxPixels() != null ? k.maxPixels() : maxPixels);
  }

  /** Same config with another {@code max_num_seqs} (used by benchmarks and what-if runs). */
  public ServingConfig withMaxNumSeqs(int value) {
    return with(VllmKnobs.NONE.withMaxNumSeqs(value));
  }

  /** Same config with {@code enable_prefix_caching} on or off. */
  public ServingConfig withPrefixCaching(boolean value) {
    return with(new VllmKnobs(null, null, null, null, value, null, null, null, null));
  }

  /** Same config with another {@code gpu_memory_utilization}. */
  public ServingConfig withGpuMemoryUtilization(double value) {
    return with(new VllmKnobs(value, null, null, null, null, null, null, null, null));
  }
}
