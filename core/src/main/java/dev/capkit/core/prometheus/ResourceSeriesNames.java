package dev.capkit.core.prometheus;

import java.util.List;
import java.util.Map;

/**
 * Which Prometheus series give a serving container's CPU (a counter of CPU seconds) and memory (a
 * gauge of bytes), by source:
 * <ul>
 *   <li>{@code process}: the serving process' own {@code process_cpu_seconds_total} and
 *       {@code process_resident_memory_bytes} (vLLM's API server, what capkit scrapes from /metrics);
 *   <li>{@code cadvisor}: the kubelet's {@code container_cpu_usage_seconds_total} and
 *       {@code container_memory_working_set_bytes} (the whole container, what krr and VPA read).
 * </ul>
 * Values are stored under the canonical names {@code process_cpu_seconds_total} /
 * {@code process_resident_memory_bytes}, the names container sizing reads; the history's source line
 * says which series they came from.
 *
 * @param key    {@code process} or {@code cadvisor}
 * @param cpu    the CPU-seconds counter
 * @param memory the memory gauge in bytes
 */
public record ResourceSeriesNames(String key, String cpu, String memory) {
  public static final String CANONICAL_CPU = "process_cpu_seconds_total";
  public static final String CANONICAL_MEMORY = "process_resident_memory_bytes";
  public static final ResourceSeriesNames PROCESS = new ResourceSeriesNames("process", CANONICAL_CPU, CANONICAL_MEMORY);
  public static final ResourceSeriesNames CADVISOR = new ResourceSeriesNames("cadvisor", "container_cpu_usage_seconds_total",
      "container_memory_working_set_bytes");
  private static final Map<String, ResourceSeriesNames> KNOWN = Map.of(PROCESS.key(), PROCESS, CADVISOR.key(), CADVISOR);

  /** By key; an unknown key names the known ones. */
  public static ResourceSeriesNames of(String key) {
    ResourceSeriesNames n = KNOWN.get(key);
    if (n == null) {
      throw new IllegalArgumentException("unknown series source '" + key + "' (known: " + String.join(", ", List.of("process", "cadvisor")) + ")");
    }
    return n;
  }
}
