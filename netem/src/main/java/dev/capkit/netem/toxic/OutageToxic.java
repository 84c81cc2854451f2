package dev.capkit.netem.toxic;

/**
 * A toxic that takes the whole proxy down for a while (listener closed, so connects are refused, and
 * open connections reset), the way toxiproxy's {@code enabled=false} does, on a schedule.
 */
public interface OutageToxic extends Toxic {

  /** Whether the proxy is down {@code elapsedNanos} after the toxic was added. */
  boolean isDown(long elapsedNanos);

  /** Elapsed time of the next change of state after {@code elapsedNanos}, or {@code Long.MAX_VALUE}. */
  long nextChange(long elapsedNanos);
}
