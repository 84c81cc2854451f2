package dev.capkit.netem;

import java.util.List;
import java.util.Objects;

/**
 * A named set of toxics standing for a network condition, with what it means and where its numbers
 * come from. {@code none} has no toxics. Loaded by {@link NetworkProfiles}.
 *
 * <pre>{@code
 * NetworkProfile p = NetworkProfiles.loadDefault().get("vpc-20ms");
 * netem.applyProfile(p);
 * }</pre>
 */
public record NetworkProfile(String name, String description, String source, List<ToxicSpec> toxics) {
  public NetworkProfile {
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
    source = source == null ? "" : source;
    toxics = List.copyOf(toxics);
  }

  /** No toxics: traffic passes untouched (still through the proxy). */
  public static NetworkProfile none() {
    return new NetworkProfile("none", "no injected faults", "", List.of());
  }
}
