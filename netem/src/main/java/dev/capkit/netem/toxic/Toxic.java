package dev.capkit.netem.toxic;

import java.util.Map;

/**
 * A fault, as settings: an immutable value registered by {@link #type()} in {@link ToxicTypes}, whose
 * {@link #attributes()} are the toxiproxy JSON attributes. Per connection and direction it opens a
 * {@link ToxicStage} holding that connection's state. Optional abilities are separate interfaces:
 * {@link ConnectToxic} (acts on connection set-up) and {@link OutageToxic} (takes the whole proxy down).
 *
 * <pre>{@code
 * Toxic t = new LatencyToxic(20, 2, JitterDistribution.NORMAL, 0.0);
 * t.attributes();   // {latency=20, jitter=2, distribution=normal, correlation=0.0}
 * }</pre>
 */
public interface Toxic {

  /** Registered name, e.g. {@code latency}. */
  String type();

  /** Attributes as toxiproxy's JSON carries them (insertion-ordered). */
  Map<String, Object> attributes();

  /** This toxic's state on one connection in one direction. */
  ToxicStage open(ToxicContext context);
}
