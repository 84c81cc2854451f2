package dev.capkit.twin.physics;

import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.ModelArchitecture;
import java.util.Locale;

/**
 * Weight precision of the served checkpoint, as chosen with {@code --dtype}. Only the decoder's
 * linear layers are quantized by fp8 / int4 checkpoints; embeddings, lm_head and the vision tower
 * stay 16-bit (the usual FP8 and AWQ recipes). The KV cache stays 16-bit in all three (vLLM's
 * {@code kv_cache_dtype=auto} follows the activation dtype).
 */
public enum Dtype {
  /** 16-bit weights; runs as float16 on GPUs without BF16 (compute capability < 8.0). */
  BF16(2.0),
  /** FP8 weights: native W8A8 on compute capability >= 8.9, weight-only (Marlin) on 8.0-8.8. */
  FP8(1.0),
  /** AWQ 4-bit weights, group size 128 (+ fp16 scale and zero per group: 4 B / 128 = 0.031 B per weight). */
  INT4(0.5 + 4.0 / 128);

  /** Bytes of a 16-bit element (KV cache, activations, unquantized weights). */
  public static final int HALF_BYTES = 2;

  private final double bytesPerLinearWeight;

  Dtype(double bytesPerLinearWeight) {
    this.bytesPerLinearWeight = bytesPerLinearWeight;
  }

  public double bytesPerLinearWeight() {
    return bytesPerLinearWeight;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code bf16|fp8|int4} (case-insensitive); the message lists the accepted values. */
  public static Dtype parse(String text) {
    for (Dtype d : values()) {
      if (d.key().equalsIgnoreCase(text.trim())) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown dtype '" + text + "' (expected bf16, fp8 or int4)");
  }

  /** Bytes of all stored weights. */
  public double weightBytes(ModelArchitecture m) {
    double unquantized = m.embeddingParams() + m.visionParams();
    double lmHead = m.tiedEmbeddings() ? 0 : m.lmHeadParams() * m.lmHeadBytesPerParam();
    return m.decoderLinearParams() * bytesPerLinearWeight + unquantized * HALF_BYTES + lmHead;
  }

  /** Bytes read by one decoder pass: every linear weight plus lm_head (embedding rows read are negligible). */
  public double decoderPassBytes(ModelArchitecture m) {
    return m.decoderLinearParams() * bytesPerLinearWeight + (double) m.lmHeadParams() * m.lmHeadBytesPerParam();
  }

  /** Why this GPU cannot run this dtype in vLLM, or null when it can. */
  public String unsupportedReason(GpuSpec gpu) {
    return switch (this) {
      case BF16 -> null; // below 8.0 it runs as float16, same bytes
      case FP8 -> gpu.computeCapability() < 8.0
          ? "FP8 needs compute capability >= 8.0 (Marlin weight-only) but " + gpu.id() + " has " + gpu.computeCapability()
          : null;
      case INT4 -> gpu.computeCapability() < 7.5
          ? "AWQ int4 needs compute capability >= 7.5 but " + gpu.id() + " has " + gpu.computeCapability()
          : null;
    };
  }

  /** Dense tensor peak (FLOP/s) the step's matrix products run at with this dtype on this GPU. */
  public double peakFlops(GpuSpec gpu) {
    double half = gpu.bf16Tflops() > 0 ? gpu.bf16Tflops() : gpu.fp16Tflops();
    double tflops = switch (this) {
      case BF16, INT4 -> half; // AWQ dequantizes to 16-bit activations
      case FP8 -> gpu.fp8Tflops() > 0 && gpu.computeCapability() >= 8.9 ? gpu.fp8Tflops() : half;
    };
    return tflops * 1e12;
  }
}
