package dev.capkit.twin.catalog;

/**
 * A rentable machine: an Alibaba Cloud instance type with its GPU, host size and hourly price.
 * {@code pricePerHour} is NaN when the catalog does not know it.
 *
 * <pre>{@code
 * TierSpec t = catalog.tier("gn7e-c16g1.4xlarge"); // A100-80GB, 16 vCPU, 125 GiB, 34.74/h
 * }</pre>
 */
public record TierSpec(
    String id, String family, String gpuId, int gpuCount, int vcpu, double memoryGib, double pricePerHour,
    dev.capkit.twin.physics.Interconnect interconnect) {

  /** A tier without a stated interconnect (one GPU). */
  public TierSpec(String id, String family, String gpuId, int gpuCount, int vcpu, double memoryGib, double pricePerHour) {
    this(id, family, gpuId, gpuCount, vcpu, memoryGib, pricePerHour, dev.capkit.twin.physics.Interconnect.NONE);
  }

  public boolean hasPrice() {
    return !Double.isNaN(pricePerHour);
  }
}
