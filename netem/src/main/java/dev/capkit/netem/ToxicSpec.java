package dev.capkit.netem;

import dev.capkit.netem.toxic.Toxic;
import java.util.Objects;

/**
 * A toxic as placed on a proxy: its name (unique per proxy), the direction it acts on, its toxicity
 * (the share of connections it applies to, drawn once per connection) and its settings. The JSON form
 * is toxiproxy's: {@code {"name", "type", "stream", "toxicity", "attributes"}} ({@link ToxicJson}).
 *
 * <pre>{@code
 * new ToxicSpec("latency_downstream", Direction.DOWNSTREAM, 1.0, new LatencyToxic(10, 0, JitterDistribution.UNIFORM, 0));
 * }</pre>
 */
public record ToxicSpec(String name, Direction stream, double toxicity, Toxic toxic) {
  public ToxicSpec {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(toxic, "toxic");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("toxic name must not be blank");
    }
    if (!(toxicity >= 0 && toxicity <= 1)) {
      throw new IllegalArgumentException("toxicity must be in [0, 1], got " + toxicity);
    }
  }

  /** toxiproxy's default name: {@code <type>_<stream>}. */
  public static String defaultName(String type, Direction stream) {
    return type + "_" + stream.key();
  }

  public String type() {
    return toxic.type();
  }
}
