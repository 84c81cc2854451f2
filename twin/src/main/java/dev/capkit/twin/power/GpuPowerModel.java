package dev.capkit.twin.power;

/**
 * A GPU's board power as a function of its utilization: {@code watts = idle + (max - idle) x u},
 * u in [0, 1] (DCGM's {@code DCGM_FI_DEV_GPU_UTIL} / 100). Linear between the idle draw and the
 * rated board power; every constant carries its source ({@link GpuPowerCatalog}).
 *
 * <pre>{@code
 * GpuPowerModel a100 = GpuPowerCatalog.load(null).forGpu("A100-80GB");
 * double w = a100.watts(0.5);   // 40 + 260 x 0.5 = 170 W
 * }</pre>
 *
 * @param gpuId       the GPU's id in gpus.json
 * @param idleWatts   draw at utilization 0
 * @param maxWatts    rated board power, the draw at utilization 1
 * @param idleSource  where {@code idleWatts} comes from
 * @param maxSource   where {@code maxWatts} comes from
 */
public record GpuPowerModel(String gpuId, double idleWatts, double maxWatts, String idleSource, String maxSource) {
  public GpuPowerModel {
    if (!(idleWatts >= 0 && maxWatts >= idleWatts)) {
      throw new IllegalArgumentException(gpuId + ": power model needs 0 <= idle_watts <= max_watts, got " + idleWatts + " and " + maxWatts);
    }
  }

  /** Watts at utilization {@code u} (clamped to [0, 1]). */
  public double watts(double u) {
    double clamped = Math.max(0, Math.min(1, u));
    return idleWatts + (maxWatts - idleWatts) * clamped;
  }
}
