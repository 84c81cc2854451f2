package dev.capkit.emulator.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.power.GpuPowerModel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** DCGM series of the emulated GPU on a virtual clock: utilization, power, energy and framebuffer by hand. */
class GpuTelemetryTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final GpuTelemetry g = new GpuTelemetry(new GpuPowerModel("A100-80GB", 40, 300, "", ""), "NVIDIA A100 80GB", 80, 0.9, now::get);

  private String render() {
    StringBuilder b = new StringBuilder();
    g.render(b);
    return b.toString();
  }

  @Test
  void busyHalfTheTimeIsFiftyPercentAndThePowerModelsDraw() {
    now.addAndGet(1_000_000_000L);
    g.busy(0.5);
    String text = render();
    String l = "{gpu=\"0\",UUID=\"GPU-capkit-emulated-0\",device=\"nvidia0\",modelName=\"NVIDIA A100 80GB\",Hostname=\"capkit-emulator\"} ";
    assertTrue(text.contains("DCGM_FI_DEV_GPU_UTIL" + l + "50.0\n"), text);
    assertTrue(text.contains("DCGM_FI_DEV_POWER_USAGE" + l + "170.0\n"), text);             // 40 + 260 x 0.5
    assertTrue(text.contains("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION" + l + "170000\n"), text); // 40 J + 130 J, in mJ
    assertTrue(text.contains("DCGM_FI_DEV_FB_USED" + l + "74228.0\n"), text);               // 0.9 x 81920 + 500 MiB
    assertTrue(text.contains("DCGM_FI_DEV_FB_FREE" + l + "7692.0\n"), text);
    now.addAndGet(2_000_000_000L); // idle for 2 s since the last scrape
    String idle = render();
    assertTrue(idle.contains("DCGM_FI_DEV_GPU_UTIL" + l + "0.0\n") && idle.contains("DCGM_FI_DEV_POWER_USAGE" + l + "40.0\n"), idle);
    assertTrue(idle.contains("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION" + l + "250000\n"), idle);  // + 80 J idle
  }
}
