package dev.capkit.simulations;

import dev.capkit.core.scenario.ScenarioException;
import java.io.PrintStream;
import java.util.Properties;

/**
 * The common wall-clock instant at which every injector of a distributed run sends its first
 * request: {@code -Dcapkit.startAt=<epoch milliseconds>}. Each injector prepares (emulator, netem,
 * run folder) and then waits until that instant, so injectors' steps line up in absolute time and
 * their runs can be merged. Absent: start at once.
 */
public final class StartInstant {
  public static final String PROPERTY = "capkit.startAt";

  private StartInstant() {}

  /** Sleeps until {@code capkit.startAt}; returns the milliseconds waited (0 when absent or past). */
  public static long await(Properties props, PrintStream out) {
    String v = props.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      return 0;
    }
    long at;
    try {
      at = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ScenarioException("-D" + PROPERTY, "", "'" + v + "' is not epoch milliseconds");
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
