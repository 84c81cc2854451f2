package dev.capkit.netem.toxic;

import java.util.SplittableRandom;

/**
 * What a stage may use: the clock and timers of its connection's event loop, a per-connection random
 * source (seeded, so runs repeat), and the two ways to end a connection. Tests supply a virtual one.
 */
public interface ToxicContext {

  /** Now, in {@link System#nanoTime()} units. */
  long nanoTime();

  SplittableRandom random();

  /** Runs {@code task} on the connection's event loop after {@code delayNanos}; the handle cancels it. */
  Cancellable schedule(Runnable task, long delayNanos);

  /** Aborts both sides of the connection with a TCP RST (SO_LINGER 0), dropping held bytes. */
  void reset();

  /** Closes both sides of the connection gracefully (FIN), dropping bytes still held by the proxy. */
  void close();

  /** A scheduled task's handle. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
