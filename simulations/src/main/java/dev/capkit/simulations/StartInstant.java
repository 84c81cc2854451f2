package dev.capkit.simulations;

import java.io.PrintStream;

/**
 * The common wall-clock instant at which every injector of a distributed run sends its first
 * request: {@code -Dcapkit.startAt=<epoch milliseconds>} (read by {@link dev.capkit.core.run.RunOptions}). Each injector prepares (emulator, netem,
 * run folder) and then waits until that instant, so injectors' steps line up in absolute time and
 * their runs can be merged. Absent: start at once.
 */
public final class StartInstant {
  public static final String PROPERTY = "capkit.startAt";

  private StartInstant() {}

  /** Sleeps until {@code at} (epoch milliseconds); returns the milliseconds waited (0 when null or past). */
  public static long await(Long at, PrintStream out) {
    if (at == null) {
      return 0;
    }
    long wait = at - System.currentTimeMillis();
    if (wait <= 0) {
      out.println("capkit: start instant " + java.time.Instant.ofEpochMilli(at) + " already passed by " + (-wait) + " ms; starting now");
      return 0;
    }
    out.println("capkit: waiting " + wait + " ms for the common start instant " + java.time.Instant.ofEpochMilli(at));
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return wait;
  }
}
