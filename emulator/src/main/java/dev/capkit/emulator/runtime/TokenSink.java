package dev.capkit.emulator.runtime;

import java.util.concurrent.Executor;

/**
 * Where a request's tokens go in real time (an HTTP response). The engine thread hands each step's
 * tokens to the sink's {@link #executor()} (its channel's event loop) in one batch per executor,
 * calls {@link #onToken} for each token and then {@link #flush()} once per sink.
 */
public interface TokenSink {
  /** Thread that performs the writes; one task per step per executor. */
  Executor executor();

  /**
   * True when {@link #executor()} is a {@link java.util.concurrent.ScheduledExecutorService} whose
   * tasks start within tens of microseconds of their deadline (a Netty epoll event loop, woken by a
   * timerfd). The engine then schedules each delivery just before the step's end instead of handing
   * it over early to spin; false (the default) keeps the spin.
   */
  default boolean preciseSchedule() {
    return false;
  }

  /** {@link System#nanoTime()} when the request arrived, for TTFT / E2E metrics. */
  long arrivalNanos();

  /**
   * Writes token {@code index} (0-based) without flushing.
   *
   * @param scheduledNanos when the step that sampled it ended on the modelled GPU ({@code nanoTime})
   */
  void onToken(int index, boolean last, long scheduledNanos);

  void flush();
}
