package dev.capkit.twin.catalog;

/**
 * The emulated {@code vllm serve} flags, the non-KV memory reserve and the host process profile.
 * The fitted timing coefficients (MFU, MBU, step overhead, host-side times) are not here: they are
 * {@link dev.capkit.twin.physics.TwinCoefficients}, per GPU ({@link Catalog#coefficients(String)}).
 * Reasons for each value live next to it in {@code serving.json}.
 */
public record ServingConfig(
    double gpuMemoryUtilization,
    int blockSize,
    int maxNumSeqs,
    int maxNumBatchedTokens,
    int maxModelLen,
    int maxImagesPerPrompt,
    double nonKvOverheadGib,
    HostProfile host) {

  /** Same config with another {@code max_num_seqs} (used by benchmarks and what-if runs). */
  public ServingConfig withMaxNumSeqs(int value) {
    return new ServingConfig(gpuMemoryUtilization, blockSize, value, maxNumBatchedTokens, maxModelLen,
        maxImagesPerPrompt, nonKvOverheadGib, host);
  }

  /** Same config with another {@code gpu_memory_utilization}. */
  public ServingConfig withGpuMemoryUtilization(double value) {
    return new ServingConfig(value, blockSize, maxNumSeqs,
        maxNumBatchedTokens, maxModelLen, maxImagesPerPrompt, nonKvOverheadGib, host);
  }
}
