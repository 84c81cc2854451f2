package dev.capkit.twin.catalog;

/**
 * One GPU as the performance model sees it: memory the driver reports, peak DRAM bandwidth and
 * dense tensor-core peaks per precision (0 = no such tensor path). Compute capability decides
 * which vLLM kernels exist (BF16 needs 8.0, FP8 weight-only Marlin 8.0, native FP8 8.9, AWQ 7.5).
 *
 * <p>{@code device} is {@value #GPU}, or {@value #CPU} for a CPU that plays the GPU of a CPU
 * engine (llama.cpp): its memory is the RAM available to the engine, its peaks are measured on the
 * machine ({@code ./capkit roofline}), its compute capability 0 (no CUDA kernels). The planner
 * predicts CPU tiers only when asked for them by name ({@code --tiers}).
 */
public record GpuSpec(
    String id,
    String name,
    double vramGib,
    double memBandwidthGBps,
    double fp16Tflops,
    double bf16Tflops,
    double fp8Tflops,
    double computeCapability,
    String device) {
  public static final String GPU = "gpu";
  public static final String CPU = "cpu";

  public GpuSpec {
    if (!GPU.equals(device) && !CPU.equals(device)) {
      throw new IllegalArgumentException("device must be gpu or cpu, got " + device);
    }
  }

  /** A GPU (device {@value #GPU}). */
  public GpuSpec(String id, String name, double vramGib, double memBandwidthGBps, double fp16Tflops, double bf16Tflops,
      double fp8Tflops, double computeCapability) {
    this(id, name, vramGib, memBandwidthGBps, fp16Tflops, bf16Tflops, fp8Tflops, computeCapability, GPU);
  }

  /** True for a CPU standing in as the GPU of a CPU engine. */
  public boolean cpu() {
    return CPU.equals(device);
  }

  public double vramBytes() {
    return vramGib * (1L << 30);
  }

  public double memBandwidthBytesPerSecond() {
    return memBandwidthGBps * 1e9;
  }
}
