package dev.capkit.core.search;

/**
 * How a capacity search probes: where it starts, how it brackets, when it stops. Scenario field
 * {@code load.search}, overridden by {@code -Dcapkit.search.<name>=value}.
 *
 * @param startRate      first probe's offered load (req/s, or agents)
 * @param growth         bracketing factor: a held rate is multiplied by it, a broken one divided (> 1)
 * @param precision      stop when the sustainable rate is known to within this share either side (0.05 = ±5%)
 * @param confidence     confidence of the final interval (0.95): split over its two bracketing verdicts
 *                       and, within each, over the looks at one rate (Bonferroni)
 * @param budgetSeconds  GPU time the search may spend (probe warm-ups, measured windows and drains);
 *                       the search stops before a probe that would exceed it and says what precision it reached
 * @param warmupSeconds  unjudged load at the probe's rate before its measured window
 * @param minProbeSeconds shortest measured window
 * @param maxProbeSeconds longest measured window (a verdict at a low rate needs long windows: a p99 needs
 *                       hundreds of requests whatever the rate)
 * @param scoutRequests  requests of a scout probe (points the way, never a verdict)
 * @param maxLooks       verdict probes per end of the interval (the confidence is split over them)
 * @param spare          violations a probe sized for "holds" may contain (one outlier does not cost a verdict)
 * @param maxRate        bracketing stops here (nothing broke below it)
 * @param whole          rates are whole numbers (agents)
 */
public record SearchSettings(
    double startRate, double growth, double precision, double confidence, double budgetSeconds, double warmupSeconds,
    double minProbeSeconds, double maxProbeSeconds, int scoutRequests, int maxLooks, int spare, double maxRate, boolean whole) {

  public SearchSettings {
    check(startRate > 0, "startRate", startRate, "must be positive");
    check(growth > 1, "growth", growth, "must be above 1");
    check(precision > 0 && precision < 1, "precision", precision, "must be in (0, 1)");
    check(confidence > 0.5 && confidence < 1, "confidence", confidence, "must be in (0.5, 1)");
    check(budgetSeconds > 0, "budget", budgetSeconds, "must be positive");
    check(warmupSeconds >= 0, "warmup", warmupSeconds, "must not be negative");
    check(minProbeSeconds > 0 && maxProbeSeconds >= minProbeSeconds, "maxProbe", maxProbeSeconds, "must be at least minProbe");
    check(scoutRequests >= 10, "scoutRequests", scoutRequests, "must be at least 10");
    check(maxLooks >= 1 && maxLooks <= 5, "maxLooks", maxLooks, "must be 1 to 5");
    check(spare >= 0 && spare <= 10, "spare", spare, "must be 0 to 10");
    check(maxRate >= startRate, "maxRate", maxRate, "must be at least startRate");
  }

  /** Defaults for an open-loop search starting at {@code startRate} req/s. */
  public static SearchSettings defaults(double startRate) {
    return new SearchSettings(startRate, 2, 0.05, 0.95, 8 * 3600, 10, 20, 4 * 3600, 150, 3, 3, 10_000, false);
  }

  /** One error probability per verdict look that says "holds". */
  public double alphaHolds() {
    return (1 - confidence) / 2 / maxLooks;
  }

  /** One error probability per verdict look that says "broken", before the split over objectives. */
  public double alphaBroken() {
    return (1 - confidence) / 2 / maxLooks;
  }

  private static void check(boolean ok, String field, double value, String problem) {
    if (!ok) {
      throw new IllegalArgumentException("search." + field + " " + value + " " + problem);
    }
  }
}
