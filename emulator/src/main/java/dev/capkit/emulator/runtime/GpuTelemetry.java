package dev.capkit.emulator.runtime;

import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.power.GpuPowerModel;
import java.util.Locale;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.LongSupplier;

/**
 * The emulated GPU as NVIDIA's dcgm-exporter names it, for {@code GET /metrics}: one GPU
 * ({@code gpu="0"}) with
 * <ul>
 *   <li>{@code DCGM_FI_DEV_GPU_UTIL} (%): modelled busy time (the engine steps' GPU seconds) over the
 *       wall time since the previous scrape, as DCGM averages over its sample period;
 *   <li>{@code DCGM_FI_DEV_POWER_USAGE} (W): the twin's {@link GpuPowerModel} at that utilization;
 *   <li>{@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION} (mJ since start): the power model integrated
 *       exactly, {@code idle x wall time + (max - idle) x busy time};
 *   <li>{@code DCGM_FI_DEV_FB_USED} / {@code DCGM_FI_DEV_FB_FREE} (MiB): vLLM takes
 *       {@code gpu_memory_utilization x VRAM} at start-up (weights, activations, the whole KV pool), so
 *       used memory does not follow the load; plus a CUDA context of {@value #CUDA_CONTEXT_MIB} MiB (estimate).
 * </ul>
 * Every figure is modelled (emulated), not read from a GPU.
 */
public final class GpuTelemetry {
  static final double CUDA_CONTEXT_MIB = 500;
  private final GpuPowerModel power;
  private final String labels;
  private final double totalMib;
  private final double usedMib;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private final DoubleAdder busySeconds = new DoubleAdder();
  private long lastNanos;
  private double lastBusy;

  GpuTelemetry(GpuPowerModel power, String modelName, double vramGib, double gpuMemoryUtilization, LongSupplier nanoClock) {
    this.power = power;
    this.labels = "gpu=\"0\",UUID=\"GPU-capkit-emulated-0\",device=\"nvidia0\",modelName=\"" + modelName + "\",Hostname=\"capkit-emulator\"";
    this.totalMib = vramGib * 1024;
    this.usedMib = Math.min(totalMib, gpuMemoryUtilization * totalMib + CUDA_CONTEXT_MIB);
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.lastNanos = startNanos;
  }

  /** For the plan's GPU with its power model. */
  public static GpuTelemetry of(ServingPlan plan, GpuPowerModel power) {
    return new GpuTelemetry(power, plan.gpu().name(), plan.gpu().vramGib(), plan.serving().gpuMemoryUtilization(), System::nanoTime);
  }

  /** The engine kept the GPU busy for {@code seconds} (one step's modelled time). */
  public void busy(double seconds) {
    busySeconds.add(seconds);
  }

  synchronized void render(StringBuilder out) {
    long now = nanoClock.getAsLong();
    double busy = busySeconds.sum();
    double wall = (now - lastNanos) / 1e9;
    double u = wall <= 0 ? 0 : Math.max(0, Math.min(1, (busy - lastBusy) / wall));
    lastNanos = now;
    lastBusy = busy;
    double joules = power.idleWatts() * (now - startNanos) / 1e9 + (power.maxWatts() - power.idleWatts()) * Math.min(busy, (now - startNanos) / 1e9);
    gauge(out, "DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).", Math.round(u * 100));
    gauge(out, "DCGM_FI_DEV_POWER_USAGE", "Power draw (in W).", power.watts(u));
    counter(out, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "Total energy consumption since boot (in mJ).", Math.round(joules * 1000));
    gauge(out, "DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).", Math.round(usedMib));
    gauge(out, "DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB).", Math.round(totalMib - usedMib));
  }

  private void gauge(StringBuilder out, String name, String help, double v) {
    out.append("# HELP ").append(name).append(' ').append(help).append(" Modelled by capkit's emulator.\n# TYPE ").append(name)
        .append(" gauge\n").append(name).append('{').append(labels).append("} ").append(String.format(Locale.ROOT, "%s", v)).append('\n');
  }

  private void counter(StringBuilder out, String name, String help, long v) {
    out.append("# HELP ").append(name).append(' ').append(help).append(" Modelled by capkit's emulator.\n# TYPE ").append(name)
        .append(" counter\n").append(name).append('{').append(labels).append("} ").append(v).append('\n');
  }
}
