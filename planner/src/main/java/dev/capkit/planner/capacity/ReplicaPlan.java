package dev.capkit.planner.capacity;

import java.util.Locale;

/**
 * Replicas for a target rate on one tier, and what they cost.
 *
 * <p>Rule: each replica runs at most {@code sustainable x (1 - headroom)}; {@code base = ceil(target / that)};
 * one more for N+1 (a replica can fail or roll without breaking the objectives). Cross-check:
 * M/M/c (Erlang C) with each replica one server of rate {@code mu} = its saturated throughput,
 * the smallest c for which the binding objective's percentile of queueing delay stays within the
 * slack {@code t} = limit minus the latency at the lowest measured rate (service time with no queue).
 * Cost: {@code replicas x price per hour}; per 1,000 requests at the target rate:
 * {@code cost per hour / (target x 3.6)}.
 *
 * <pre>{@code
 * ReplicaPlan r = ReplicaPlan.of(10, 1.1, 0.3, 1.3, 5.2, 0.99, 34.74);  // 13 + 1 replicas, Erlang C says 9
 * }</pre>
 *
 * @param perReplicaRate   the rate one replica is planned at: {@code sustainable x (1 - headroom)}
 * @param base             replicas that carry the target at that rate
 * @param replicas         {@code base + 1} (N+1)
 * @param erlangReplicas   the M/M/c cross-check, -1 when undefined ({@code erlangNote} says why)
 * @param costPerHour      NaN when the tier has no price
 * @param costPer1000      NaN when the tier has no price
 */
public record ReplicaPlan(double targetQps, double headroom, double perReplicaRate, int base, int replicas, int erlangReplicas,
    double erlangMu, double erlangSlackSeconds, String erlangNote, double pricePerHour, double costPerHour, double costPer1000,
    String undefinedReason) {

  public boolean defined() {
    return undefinedReason == null;
  }

  public static ReplicaPlan undefined(double targetQps, double headroom, double pricePerHour, String reason) {
    return new ReplicaPlan(targetQps, headroom, Double.NaN, -1, -1, -1, Double.NaN, Double.NaN, null, pricePerHour, Double.NaN,
        Double.NaN, reason);
  }

  /**
   * @param sustainable  sustainable rate per replica (req/s)
   * @param mu           saturated throughput per replica (req/s) for the Erlang C cross-check
   * @param slackSeconds binding objective's limit minus its value at the lowest measured rate
   * @param quantile     binding objective's percentile as a fraction (0.99)
   */
  public static ReplicaPlan of(double targetQps, double sustainable, double headroom, double mu, double slackSeconds,
      double quantile, double pricePerHour) {
    double perReplica = sustainable * (1 - headroom);
    int base = (int) Math.max(1, Math.ceil(targetQps / perReplica - 1e-9));
    int replicas = base + 1;
    int erlang = -1;
    String note;
    if (!(mu > 0)) {
      note = "undefined, because the saturated throughput per replica is unknown";
    } else if (!(slackSeconds > 0)) {
      note = "undefined, because the binding objective leaves no slack for queueing at the ladder's lowest rate";
    } else if (Double.isNaN(quantile)) {
      note = "undefined, because the binding objective is the error share, not a latency percentile";
    } else {
      erlang = ErlangC.serversFor(targetQps, mu, slackSeconds, quantile);
      note = String.format(Locale.ROOT, "M/M/c: lambda %.3g req/s, mu %.3g req/s per replica, P(queueing delay <= %.2f s) >= %s%%: c = %d%s",
          targetQps, mu, slackSeconds, trim(quantile * 100), erlang,
          erlang > base ? " (more than the headroom rule's " + base + ": the headroom is thin for this percentile)"
              : erlang < base ? " (fewer than the headroom rule's " + base + ": M/M/c counts only queueing in front of a replica;"
                  + " here latency grows inside the batch before any queue forms, which the ladder's own crossing captures)" : "");
    }
    double perHour = Double.isNaN(pricePerHour) ? Double.NaN : replicas * pricePerHour;
    double per1000 = Double.isNaN(perHour) || targetQps <= 0 ? Double.NaN : perHour / (targetQps * 3.6);
    return new ReplicaPlan(targetQps, headroom, perReplica, base, replicas, erlang, mu, slackSeconds, note, pricePerHour, perHour,
        per1000, null);
  }

  private static String trim(double v) {
    return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
