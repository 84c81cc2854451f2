package dev.capkit.llamacpp.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux says about this machine: CPU model ({@code /proc/cpuinfo}), memory
 * ({@code /proc/meminfo}: {@code MemTotal}, {@code MemAvailable}) and the 1-minute load average
 * ({@code /proc/loadavg}). A value Linux does not give is {@code null} / NaN, never guessed.
 *
 * @param cpuModel           {@code model name} of the first processor, or null
 * @param memTotalBytes      {@code MemTotal}, or -1
 * @param memAvailableBytes  {@code MemAvailable}: what a new process can use without swapping, or -1
 * @param loadAverage        the three load averages as written in {@code /proc/loadavg}, or null
 */
public record HostFacts(String cpuModel, long memTotalBytes, long memAvailableBytes, String loadAverage) {

  /** Reads the facts now. */
  public static HostFacts read() {
    return new HostFacts(cpuModel(lines("/proc/cpuinfo")), kib(lines("/proc/meminfo"), "MemTotal:"),
        kib(lines("/proc/meminfo"), "MemAvailable:"), currentLoadAverage());
  }

  /** The three load averages, e.g. {@code "1.20 0.95 0.80"}, or null where Linux does not tell. */
  public static String currentLoadAverage() {
    List<String> l = lines("/proc/loadavg");
    if (l.isEmpty()) {
      return null;
    }
    String[] parts = l.get(0).trim().split("\\s+");
    return parts.length < 3 ? null : parts[0] + " " + parts[1] + " " + parts[2];
  }

  static String cpuModel(List<String> cpuinfo) {
    for (String line : cpuinfo) {
      if (line.startsWith("model name")) {
        int colon = line.indexOf(':');
        return colon < 0 ? null : line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  static long kib(List<String> meminfo, String key) {
    for (String line : meminfo) {
      if (line.startsWith(key)) {
        String[] parts = line.substring(key.length()).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    return -1;
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
