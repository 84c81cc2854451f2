package dev.capkit.twin.physics;

/**
 * How the GPUs of one instance talk for tensor parallelism: NVLink or PCIe, with the bandwidth one
 * GPU can push per direction and the per-operation latency of a small all-reduce.
 *
 * @param kind            {@code nvlink}, {@code pcie} or {@code none} (one GPU)
 * @param bytesPerSecond  per-GPU, per-direction bandwidth
 * @param latencySeconds  fixed cost of one all-reduce (kernel launch + synchronisation)
 */
public record Interconnect(String kind, double bytesPerSecond, double latencySeconds) {
  public static final Interconnect NONE = new Interconnect("none", Double.POSITIVE_INFINITY, 0);
}
