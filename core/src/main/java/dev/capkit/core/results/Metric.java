package dev.capkit.core.results;

/**
 * The latency metrics capkit records per request, one HdrHistogram interval log per metric per step.
 * Values are recorded in microseconds.
 */
public enum Metric {
  E2E("e2e"),
  TTFT("ttft"),
  TPOT("tpot"),
  ITL("itl"),
  /** E2E from the intended send time: coordinated-omission corrected (open loop only). */
  E2E_INTENDED("e2e-intended"),
  /** TTFT from the intended send time: coordinated-omission corrected (open loop only). */
  TTFT_INTENDED("ttft-intended"),
  /** Actual minus intended send time (open loop only). */
  SCHEDULE_LAG("schedule-lag");

  private final String key;

  Metric(String key) {
    this.key = key;
  }

  /** File-name and JSON key, e.g. {@code ttft-intended}. */
  public String key() {
    return key;
  }

  /**
   * The histogram that judges a latency objective on {@code objectiveMetric} ({@code e2e}, {@code ttft},
   * {@code tpot}, {@code itl}): the one place that decides it. Open-loop objectives on E2E and TTFT are
   * judged from the intended send time (coordinated-omission corrected); closed loop has no intended
   * time other than the actual one. TPOT and ITL do not depend on when the request was sent.
   */
  public static Metric judging(String objectiveMetric, boolean openLoop) {
    return switch (objectiveMetric) {
      case "e2e" -> openLoop ? E2E_INTENDED : E2E;
      case "ttft" -> openLoop ? TTFT_INTENDED : TTFT;
      case "tpot" -> TPOT;
      case "itl" -> ITL;
      default -> throw new IllegalArgumentException("'" + objectiveMetric + "' is not an objective metric (known: e2e, ttft, tpot, itl)");
    };
  }

  public static Metric ofKey(String key) {
    for (Metric m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown metric '" + key + "'");
  }
}
