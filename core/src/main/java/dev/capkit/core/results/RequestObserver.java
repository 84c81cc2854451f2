package dev.capkit.core.results;

/**
 * Told about each request of a load run as it goes (the live metrics endpoint, the per-request log).
 * Called on the load generator's I/O threads: implementations must be short and thread-safe.
 */
public interface RequestObserver {
  /** A request of step {@code step} was planned (open loop: scheduled; closed loop: an agent's next turn). */
  default void planned(int step) {}

  /** A request of step {@code step} is being sent. */
  default void sent(int step) {}

  /** A request of step {@code step} ended with {@code record} (a {@code not_sent} record was never sent). */
  void ended(int step, RequestRecord record);
}
