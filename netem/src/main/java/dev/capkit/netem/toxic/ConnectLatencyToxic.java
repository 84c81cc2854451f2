package dev.capkit.netem.toxic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code connect_latency} (capkit, not toxiproxy): the TCP handshake to the upstream costs an extra round
 * trip. The client's connect completes at once (the proxy accepts), but the proxy dials the upstream
 * {@code latency} ms (+/- uniform {@code jitter}) later and reads nothing from the client meanwhile, so
 * a new connection's first request pays it and requests on a reused keep-alive connection do not.
 * Its {@code stream} is irrelevant; {@code toxicity} is the share of connections that pay it.
 */
public record ConnectLatencyToxic(long latency, long jitter) implements ConnectToxic {
  public static final String TYPE = "connect_latency";

  public ConnectLatencyToxic {
    if (latency < 0 || jitter < 0) {
      throw new IllegalArgumentException("latency, jitter >= 0");
    }
  }

  public static ConnectLatencyToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("latency", "jitter"));
    return new ConnectLatencyToxic(a.integer("latency", 0, 0, 600_000), a.integer("jitter", 0, 0, 600_000));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("latency", latency);
    m.put("jitter", jitter);
    return m;
  }

  @Override
  public long connectDelayNanos(SplittableRandom random) {
    double ms = latency + JitterDistribution.UNIFORM.sample(random, jitter);
    return Math.round(Math.max(0, ms) * 1_000_000.0);
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    return ToxicStage.PASS;
  }
}
