package dev.capkit.twin.physics;

import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.ModelArchitecture;

/**
 * Roofline time of one engine step: {@code max(FLOPs / (peak x MFU), bytes / (bandwidth x MBU)) +
 * step overhead}, where a separate decode fraction ({@link TwinCoefficients#decodeMfu()}, when it is
 * not one with MFU) prices the decoding sequences' FLOPs apart:
 * {@code compute = prefill FLOPs / (peak x mfu) + decode FLOPs / (peak x decode_mfu)}; with a batched-path step
 * cost ({@link TwinCoefficients#batchedStepSeconds()} above 0, llama.cpp on a CPU) a step of one token is priced at
 * {@code decode_mfu} and a step of several at {@code mfu} plus that fixed time. A pure function of the step's {@link StepWork}; MFU, MBU and the overhead are the
 * plan's {@link TwinCoefficients} (their source: {@link #coefficients()}).
 *
 * <ul>
 *   <li>FLOPs = 2 x decoder linear params x tokens + 2 x lm_head params x sampled
 *       + 4 x layers x (heads x head_dim) x attention pairs (QK^T and AV)
 *       + vision: 2 x tower params x patches + 2 x merger params x patches / merge^2
 *       + 4 x vision depth x vision hidden x patches^2 (full attention over an image's patches).
 *   <li>bytes = decoder weights + lm_head (once per step, shared by the whole batch)
 *       + vision weights when an image is encoded + KV entries touched x KV bytes per token.
 * </ul>
 *
 * <pre>{@code
 * StepCostModel cost = new StepCostModel(model, gpu, Dtype.BF16, catalog.coefficients(gpu.id()));
 * double s = cost.seconds(StepWork.decode(3_500)); // A100-80GB: 17.7 GB / (1935 GB/s x 0.75) + 4 ms = 16.2 ms
 * }</pre>
 */
public final class StepCostModel {
  private final ModelArchitecture model;
  private final double peakFlops;
  private final double bandwidth;
  private final double mfu;
  private final double decodeMfu;
  private final boolean oneComputeFraction;
  private final double mbu;
  private final double overheadSeconds;
  private final double batchedStepSeconds;
  private final double decoderPassBytes;
  private final double visionWeightBytes;
  private final long kvBytesPerToken;
  private final TwinCoefficients coefficients;

  private final int tp;
  private final Interconnect link;
  private final boolean sharedKvCache;

  /** One GPU, 16-bit KV. */
  public StepCostModel(ModelArchitecture model, GpuSpec gpu, Dtype dtype, TwinCoefficients coefficients) {
    this(model, gpu, dtype, coefficients, 1, 2, Interconnect.NONE);
  }

  /**
   * @param tp            tensor_parallel_size: FLOPs and weight bytes split across {@code tp} GPUs
   * @param kvElementBytes 2 (kv_cache_dtype auto) or 1 (fp8)
   * @param link          the GPUs' interconnect, for the per-layer all-reduces when {@code tp > 1}
   */
  public StepCostModel(ModelArchitecture model, GpuSpec gpu, Dtype dtype, TwinCoefficients coefficients, int tp,
      int kvElementBytes, Interconnect link) {
    this.model = model;
    this.coefficients = coefficients;
    this.peakFlops = dtype.peakFlops(gpu);
    this.bandwidth = gpu.memBandwidthBytesPerSecond();
    this.mfu = coefficients.prefillMfu();
    this.decodeMfu = coefficients.decodeMfu();
    this.oneComputeFraction = coefficients.oneComputeFraction();
    this.mbu = coefficients.decodeMbu();
    this.overheadSeconds = coefficients.stepOverheadSeconds();
    this.batchedStepSeconds = coefficients.batchedStepSeconds();
    this.decoderPassBytes = dtype.decoderPassBytes(model);
    this.visionWeightBytes = (double) model.visionParams() * Dtype.HALF_BYTES;
    this.tp = tp;
    this.link = link;
    this.sharedKvCache = gpu.cpu();
    // bytes one GPU reads per KV entry: its share of the KV heads (replicated when tp exceeds them)
    long full = model.kvBytesPerToken(kvElementBytes);
    this.kvBytesPerToken = full / model.kvHeads() * Math.max(1, model.kvHeads() / tp);
  }

  public double flops(StepWork w) {
    int merge2 = model.images().spatialMerge() * model.images().spatialMerge();
    return 2.0 * model.decoderLinearParams() * w.tokens()
        + 2.0 * model.lmHeadParams() * w.sampled()
        + 4.0 * model.layers() * model.queryWidth() * w.attentionPairs()
        + 2.0 * model.visionTowerParams() * w.visionPatches()
        + 2.0 * model.visionMergerParams() * w.visionPatches() / merge2
        + 4.0 * model.visionDepth() * model.visionHidden() * w.visionPatchesSquared();
  }

  /** Bytes one GPU reads in the step (its 1/tp of the weights, its KV heads). */
  public double bytes(StepWork w) {
    if (w.tokens() == 0 && w.visionPatches() == 0) {
      return 0;
    }
    return (decoderPassBytes + (w.visionPatches() > 0 ? visionWeightBytes : 0)) / tp
        + (double) w.kvTokensTouched() * kvBytesPerToken;
  }

  /** The FLOPs of the step's decoding sequences (their token through the decoder, lm_head, attention). */
  public double decodeFlops(StepWork w) {
    return 2.0 * model.decoderLinearParams() * w.decodeTokens()
        + 2.0 * model.lmHeadParams() * w.decodeTokens()
        + 4.0 * model.layers() * model.queryWidth() * w.decodeAttentionPairs();
  }

  public double computeSeconds(StepWork w) {
    if (batchedStepSeconds > 0) { // two paths (llama.cpp on a CPU): matrix-vector for one token, matrix-matrix else
      return w.tokens() == 1 ? flops(w) / (tp * peakFlops * decodeMfu) : flops(w) / (tp * peakFlops * mfu);
    }
    if (oneComputeFraction) {
      return flops(w) / (tp * peakFlops * mfu); // every catalog GPU: exactly the one-fraction roofline
    }
    double decode = decodeFlops(w);
    return (flops(w) - decode) / (tp * peakFlops * mfu) + decode / (tp * peakFlops * decodeMfu);
  }

  public double memorySeconds(StepWork w) {
    return bytes(w) / (bandwidth * mbu);
  }

  /**
   * Tensor-parallel communication: 2 all-reduces per decoder layer (after attention and after the
   * MLP) of {@code tokens x hidden x 2 B}; a ring all-reduce moves {@code 2 (tp - 1) / tp} of it over
   * each GPU's link, plus the link's per-operation latency. 0 on one GPU.
   */
  public double allReduceSeconds(StepWork w) {
    if (tp == 1 || w.tokens() == 0) {
      return 0;
    }
    double message = (double) w.tokens() * model.hiddenSize() * Dtype.HALF_BYTES;
    return 2.0 * model.layers() * (link.latencySeconds() + 2.0 * (tp - 1) / tp * message / link.bytesPerSecond());
  }

  /** Step time in seconds (0 for an empty step). */
  public double seconds(StepWork w) {
    if (w.tokens() == 0 && w.visionPatches() == 0) {
      return 0;
    }
    return Math.max(computeSeconds(w), memorySeconds(w)) + allReduceSeconds(w) + overheadSeconds + batchedSeconds(w);
  }

  /** The fixed time of the matrix-matrix path ({@link TwinCoefficients#batchedStepSeconds()}): steps of two or more tokens. */
  public double batchedSeconds(StepWork w) {
    return w.tokens() > 1 ? batchedStepSeconds : 0;
  }

  /**
   * Whether every token of a step attends over the whole used range of one KV cache shared by all
   * slots ({@link StepWork#overSharedCache}): llama.cpp's unified cache, the engine of the catalog's
   * CPU "GPUs" ({@code device: cpu}); vLLM's paged attention on a GPU reads a sequence's own blocks.
   */
  public boolean sharedKvCache() {
    return sharedKvCache;
  }

  /** The coefficients (and their source) this model uses. */
  public TwinCoefficients coefficients() {
    return coefficients;
  }

  public double overheadSeconds() {
    return overheadSeconds;
  }

  public double decoderPassBytes() {
    return decoderPassBytes;
  }

  public double peakFlops() {
    return peakFlops;
  }

  public double bandwidth() {
    return bandwidth;
  }
}
