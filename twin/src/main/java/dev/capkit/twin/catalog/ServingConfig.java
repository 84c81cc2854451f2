package dev.capkit.twin.catalog;

/**
 * The emulated {@code vllm serve} flags and the efficiency factors that turn peak hardware numbers
 * into step times. {@code mfu}: fraction of dense tensor peak reached by compute-bound work;
 * {@code mbu}: fraction of peak DRAM bandwidth reached by memory-bound work; {@code stepOverheadSeconds}:
 * fixed CPU/launch cost of one engine step. Reasons for each value live next to it in {@code serving.json}.
 */
public record ServingConfig(
    double gpuMemoryUtilization,
    int blockSize,
    int maxNumSeqs,
    int maxNumBatchedTokens,
    int maxModelLen,
    int maxImagesPerPrompt,
    double mfu,
    double mbu,
    double stepOverheadSeconds,
    double nonKvOverheadGib,
    HostProfile host) {

  /** Same config with another {@code max_num_seqs} (used by benchmarks and what-if runs). */
  public ServingConfig withMaxNumSeqs(int value) {
    return new ServingConfig(gpuMemoryUtilization, blockSize, value, maxNumBatchedTokens, maxModelLen,
        maxImagesPerPrompt, mfu, mbu, stepOverheadSeconds, nonKvOverheadGib, host);
  }

  /** Same config with another {@code gpu_memory_utilization}. */
  public ServingConfig withGpuMemoryUtilization(double value) {
    return new ServingConfig(value, blockSize, maxNumSeqs,
        maxNumBatchedTokens, maxModelLen, maxImagesPerPrompt, mfu, mbu, stepOverheadSeconds, nonKvOverheadGib, host);
  }
}
