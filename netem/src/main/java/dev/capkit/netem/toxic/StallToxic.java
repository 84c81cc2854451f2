package dev.capkit.netem.toxic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code stall} (capkit, not toxiproxy): loss as TCP shows it to an application. A lost segment is
 * retransmitted after the retransmission timeout, and everything behind it waits (head-of-line
 * blocking); so with {@code probability} p a chunk is held {@code rto} ms (default 200, Linux's
 * TCP_RTO_MIN) and later chunks queue behind it. No byte is lost.
 */
public record StallToxic(double probability, long rto) implements Toxic {
  public static final String TYPE = "stall";

  public StallToxic {
    if (!(probability >= 0 && probability <= 1) || rto < 0) {
      throw new IllegalArgumentException("probability in [0, 1], rto >= 0");
    }
  }

  public static StallToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("probability", "rto"));
    return new StallToxic(a.number("probability", 0, 0, 1), a.integer("rto", 200, 0, 600_000));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("probability", probability);
    m.put("rto", rto);
    return m;
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    return (segment, next) -> {
      boolean stalled = probability > 0 && context.random().nextDouble() < probability;
      next.accept(stalled ? segment.delayedBy(rto * 1_000_000L) : segment);
    };
  }
}
