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
    String id, String family, String gpuId, int gpuCount, int vcpu, double memoryGib, double pricePerHour) {

  public boolean hasPrice() {
    return !Double.isNaN(pricePerHour);
  }
}
