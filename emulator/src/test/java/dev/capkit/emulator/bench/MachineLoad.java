package dev.capkit.emulator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What else the machine was doing during a benchmark: the 1-minute load average, and the CPU time the hypervisor
 * gave to other guests while this VM's CPUs wanted to run ({@code steal} in {@code /proc/stat}). On the shared
 * 2-core VM the timing tails follow both; steal shows in neither the load average nor the benchmark's priority.
 * Linux only; elsewhere "?" and 0.
 */
final class MachineLoad {

  private MachineLoad() {}

  /** The 1-minute load average, as {@code /proc/loadavg} prints it. */
  static String average() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  /** Steal time of all CPUs so far, in clock ticks (USER_HZ, 100 per second on Linux). */
  static long stealTicks() {
    Path stat = Path.of("/proc/stat");
    if (!Files.exists(stat)) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(stat)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          return f.length > 8 ? Long.parseLong(f[8]) : 0;
        }
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
