package dev.capkit.calibration;

/**
 * One measured figure the fit reproduces: a latency statistic of one request kind in one step of
 * one run ({@code ttft.mean}, {@code ttft.p50}, {@code ttft.p90}, {@code ttft.p99}, {@code tpot.mean},
 * {@code tpot.p50}, {@code e2e.mean}, {@code e2e.p50}),
 * in milliseconds, with its weight in the fit.
 */
public record Figure(String run, String step, String kind, String name, double measuredMs, double weight) {
  /** Key of the same figure in a replay's output. */
  public String key() {
    return run + "|" + step + "|" + kind + "|" + name;
  }

  static String key(String run, String step, String kind, String name) {
    return run + "|" + step + "|" + kind + "|" + name;
  }
}
