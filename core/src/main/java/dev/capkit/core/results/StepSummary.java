package dev.capkit.core.results;

import java.util.List;
import java.util.Map;

/**
 * The figures of one finished step, as stored in {@code run.json}. Requests belong to the step in
 * which they were sent. Rates divide by the step's measured window ({@code durationSeconds}).
 *
 * @param offered           offered load in {@code unit} ({@code qps} or {@code agents})
 * @param sent              requests of the step: those sent, plus (open loop) planned ones the load
 *                          generator fell too far behind to send before the step closed, which count
 *                          as errors {@code not_sent}; so an open-loop step's {@code sent} is its plan
 * @param ok                of those, completed successfully
 * @param errors            failed requests by {@link Outcome#key()} (HTTP errors as {@code http_<status>})
 * @param achievedQps       successful completions per second
 * @param outputTokensPerSecond completion tokens of successful requests per second
 * @param goodputRps        successful requests per second that met every latency objective
 * @param meanInFlight      mean requests in flight (sum of E2E / window; Little's law)
 * @param metrics           latency summaries over all kinds, keyed by {@link Metric#key()}
 * @param kinds             the same per request kind
 * @param slo               objectives judged on this step
 * @param slowest           the slowest requests with their ids
 */
public record StepSummary(
    int index,
    String id,
    String network,
    boolean networkApplied,
    double offered,
    String unit,
    String startedAt,
    String endedAt,
    double durationSeconds,
    long sent,
    long ok,
    Map<String, Long> errors,
    double errorRate,
    double achievedQps,
    double outputTokensPerSecond,
    double goodputRps,
    double meanInFlight,
    Map<String, LatencyStats> metrics,
    Map<String, KindSummary> kinds,
    List<SloVerdict> slo,
    List<SlowRequest> slowest) {

  public LatencyStats metric(Metric m) {
    return metrics.getOrDefault(m.key(), LatencyStats.EMPTY);
  }

  /** Whether every objective held on this step. */
  public boolean sloMet() {
    return slo.stream().allMatch(SloVerdict::met);
  }
}
