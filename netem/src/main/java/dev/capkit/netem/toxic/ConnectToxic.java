package dev.capkit.netem.toxic;

import java.util.SplittableRandom;

/** A toxic that acts when a client connects: the proxy waits this long before dialling the upstream. */
public interface ConnectToxic extends Toxic {
  long connectDelayNanos(SplittableRandom random);
}
