package dev.capkit.planner.sizing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The serving container's resources on the recommended tier, each with where it comes from:
 * CPU and memory from the chosen {@link SizingStrategy} when the run has enough server samples,
 * raised to the host memory vLLM needs while loading weights; {@code nvidia.com/gpu} from the tier;
 * {@code /dev/shm} for the multimodal processor cache. Without enough samples the pod is sized to
 * the node (one GPU per instance means one serving pod per node), and the basis says so.
 *
 * <pre>{@code
 * PodResources r = PodResources.of(sizings, settings, 16, 125, 19.2, 3.0);
 * r.basis();  // lines such as "cpu request 2.3 cores: measured, VPA ..."
 * }</pre>
 *
 * @param cpuRequest        cores
 * @param cpuLimit          cores, NaN = no limit
 * @param memoryRequest     bytes
 * @param memoryLimit       bytes, including the memory-backed /dev/shm
 * @param loadingFloorBytes host memory needed while loading: serving process base RSS + weights
 * @param shmBytes          size of the memory-backed /dev/shm volume
 * @param cpuMemoryBasis    where CPU/memory come from: {@value #MEASURED} (server samples of a real serving process),
 *                          {@value #MODELLED} (samples of capkit's emulator, whose CPU/RSS are the twin's host model), or
 *                          {@value #NODE} (no usable samples: sized to the node)
 * @param basis             one line per figure saying how it was derived
 * @param warnings          e.g. the limit exceeding the instance's memory
 */
public record PodResources(double cpuRequest, double cpuLimit, double memoryRequest, double memoryLimit, int gpus,
    double loadingFloorBytes, double shmBytes, String cpuMemoryBasis, List<ContainerSizing> strategies, List<String> basis,
    List<String> warnings) {
  public static final String MEASURED = "measured";
  public static final String MODELLED = "modelled";
  public static final String NODE = "node";

  private static final double GIB = 1L << 30;
  /** Left to the node (kubelet, system daemons, the GPU driver) when a pod is sized to the whole node. */
  static final double NODE_RESERVE_CPU = 1;
  static final double NODE_RESERVE_GIB = 2;

  /** CPU and memory come from server samples (measured or modelled), not from the node's size. */
  public boolean fromSamples() {
    return !NODE.equals(cpuMemoryBasis);
  }

  /** CPU and memory come from samples of a real serving process. */
  public boolean measured() {
    return MEASURED.equals(cpuMemoryBasis);
  }

  /** CPU and memory come from the emulator's modelled host figures. */
  public boolean modelled() {
    return MODELLED.equals(cpuMemoryBasis);
  }

  public PodResources {
    strategies = List.copyOf(strategies);
    basis = List.copyOf(basis);
    warnings = List.copyOf(warnings);
  }

  /**
   * @param strategies   every strategy's result (the chosen one by {@code settings.strategy()})
   * @param vcpu         the tier's vCPUs
   * @param memoryGib    the tier's memory
   * @param weightsGib   model weights in the planned dtype
   * @param baseRssGib   serving process base resident memory (catalog serving.json host.base_rss_gib)
   */
  public static PodResources of(List<ContainerSizing> strategies, SizingSettings settings, int gpus, int vcpu, double memoryGib,
      double weightsGib, double baseRssGib) {
    return of(strategies, settings, gpus, vcpu, memoryGib, weightsGib, baseRssGib, MEASURED);
  }

  /**
   * As above; {@code samplesBasis} says what the samples are: {@value #MEASURED} (a real serving
   * process) or {@value #MODELLED} (capkit's emulator).
   */
  public static PodResources of(List<ContainerSizing> strategies, SizingSettings settings, int gpus, int vcpu, double memoryGib,
      double weightsGib, double baseRssGib, String samplesBasis) {
    List<String> basis = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    double floor = (baseRssGib + weightsGib) * GIB;
    double shm = (settings.mmCacheGib() + settings.shmExtraGib()) * GIB;
    ContainerSizing chosen = strategies.stream().filter(s -> s.strategy().equals(settings.strategy())).findFirst().orElse(null);
    double cpuReq;
    double cpuLim;
    double memReq;
    double memLim;
    boolean fromSamples = chosen != null && chosen.defined();
    if (fromSamples) {
      cpuReq = chosen.cpuRequest();
      cpuLim = chosen.cpuLimit();
      memReq = chosen.memoryRequest();
      memLim = Math.max(chosen.memoryLimit(), floor) + shm;
      basis.add(String.format(Locale.ROOT, "cpu request %.3f cores, memory request %s: %s (%d samples over %.0f s%s), %s",
          cpuReq, gib(memReq), samplesBasis, chosen.samples(), chosen.spanSeconds(), MODELLED.equals(samplesBasis)
              ? " of capkit's emulator, whose CPU and RSS are the twin's host model, not a serving process's" : "", chosen.rule()));
      basis.add(String.format(Locale.ROOT, "memory limit %s: max(%s's %s, loading floor %s) + /dev/shm %s (memory-backed, counted"
          + " against the limit)", gib(memLim), chosen.strategy(), gib(chosen.memoryLimit()), gib(floor), gib(shm)));
    } else {
      String why = chosen == null ? "no server samples in any run folder (server-metrics.jsonl absent)" : chosen.undefinedReason();
      cpuReq = Math.max(1, vcpu - NODE_RESERVE_CPU);
      cpuLim = Double.NaN;
      memLim = Math.max(floor + shm, (memoryGib - NODE_RESERVE_GIB) * GIB);
      memReq = Math.min(memLim, Math.max(floor, memLim / 2));
      basis.add("cpu and memory NOT measured: " + why + "; sized to the node instead (one GPU per instance = one serving pod per node):"
          + String.format(Locale.ROOT, " cpu request = %d vCPU - %.0f reserved, memory limit = %.0f GiB - %.0f GiB reserved,"
              + " request = max(loading floor, half the limit)", vcpu, NODE_RESERVE_CPU, memoryGib, NODE_RESERVE_GIB));
    }
    basis.add(String.format(Locale.ROOT, "loading floor %s: serving process base RSS %.1f GiB (serving.json host.base_rss_gib)"
        + " + weights %.1f GiB read through host memory while loading", gib(floor), baseRssGib, weightsGib));
    basis.add(String.format(Locale.ROOT, "nvidia.com/gpu %d: the tier's GPUs (one vLLM replica per GPU, no tensor parallelism)", gpus));
    basis.add(String.format(Locale.ROOT, "/dev/shm %s: multimodal processor cache %.0f GiB (vLLM --mm-processor-cache-gb default)"
        + " + %.0f GiB for PyTorch/NCCL inter-process buffers; counts against the memory limit", gib(shm), settings.mmCacheGib(),
        settings.shmExtraGib()));
    if (memLim > memoryGib * GIB) {
      warnings.add(String.format(Locale.ROOT, "memory limit %s (with /dev/shm %s) exceeds the instance's %.0f GiB: choose a larger size"
          + " of this family or lower --mm-processor-cache-gb", gib(memLim), gib(shm), memoryGib));
    }
    if (cpuReq > vcpu - NODE_RESERVE_CPU + 1e-9 && fromSamples) {
      warnings.add(String.format(Locale.ROOT, "cpu request %.2f cores leaves less than %.0f vCPU of the instance's %d for the node",
          cpuReq, NODE_RESERVE_CPU, vcpu));
    }
    return new PodResources(cpuReq, cpuLim, memReq, memLim, gpus, floor, shm, fromSamples ? samplesBasis : NODE, strategies, basis,
        warnings);
  }

  /** The same resources with {@code line} as the first basis line (e.g. where the server samples came from). */
  public PodResources withSourceFirst(String line) {
    List<String> b = new ArrayList<>(List.of(line));
    b.addAll(basis);
    return new PodResources(cpuRequest, cpuLimit, memoryRequest, memoryLimit, gpus, loadingFloorBytes, shmBytes, cpuMemoryBasis, strategies, b,
        warnings);
  }

  static String gib(double bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / GIB);
  }
}
