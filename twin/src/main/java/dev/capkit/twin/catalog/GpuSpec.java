package dev.capkit.twin.catalog;

/**
 * One GPU as the performance model sees it: memory the driver reports, peak DRAM bandwidth and
 * dense tensor-core peaks per precision (0 = no such tensor path). Compute capability decides
 * which vLLM kernels exist (BF16 needs 8.0, FP8 weight-only Marlin 8.0, native FP8 8.9, AWQ 7.5).
 */
public record GpuSpec(
    String id,
    String name,
    double vramGib,
    double memBandwidthGBps,
    double fp16Tflops,
    double bf16Tflops,
    double fp8Tflops,
    double computeCapability) {

  public double vramBytes() {
    return vramGib * (1L << 30);
  }

  public double memBandwidthBytesPerSecond() {
    return memBandwidthGBps * 1e9;
  }
}
