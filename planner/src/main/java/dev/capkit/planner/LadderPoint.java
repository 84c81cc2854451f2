package dev.capkit.planner;

import dev.capkit.planner.capacity.LatencyQuantiles;
import java.util.Map;

/**
 * One load level of a tier's ladder, as the planner sees it: what was offered, what came back,
 * and the latency histograms the objectives are judged on. For open-loop load {@code e2e} and
 * {@code ttft} are the coordinated-omission corrected ones (from the intended send time), as the
 * run itself judged its objectives. Latencies are kept as compact quantile functions in milliseconds.
 *
 * @param source          {@code <run id>/<step id>} (measured) or {@code virtual/<tier>/<step id>} (predicted)
 * @param offered         offered load: requests/s for open loop, agents for closed loop
 * @param rate            the x axis of the ladder in requests/s: offered QPS (open loop) or achieved QPS (closed loop)
 * @param achievedQps     successful completions per second
 * @param meanInFlight    mean requests in flight (Little's law: sum of E2E / window)
 * @param meanE2eSeconds  mean E2E of successful requests
 * @param promptTokens    mean prompt tokens per successful request (NaN when the server sent no usage)
 * @param completionTokens mean completion tokens per successful request (NaN when unknown)
 * @param latency         histograms keyed by objective metric ({@code e2e}, {@code ttft}, {@code tpot}, {@code itl})
 */
public record LadderPoint(
    String source,
    double offered,
    double rate,
    double achievedQps,
    double durationSeconds,
    long sent,
    long ok,
    double errorRate,
    double meanInFlight,
    double meanE2eSeconds,
    double promptTokens,
    double completionTokens,
    Map<String, LatencyQuantiles> latency) {

  public LadderPoint {
    latency = Map.copyOf(latency);
  }

  /** Measured value of an objective at this step: milliseconds, or the error share; NaN when nothing was measured. */
  public double value(SloTarget slo) {
    if (slo.isErrors()) {
      return sent == 0 ? Double.NaN : errorRate;
    }
    LatencyQuantiles q = latency.get(slo.metric());
    return q == null ? Double.NaN : q.at(slo.percentile() / 100);
  }

  /** Tokens one request holds in KV at its end: prompt + completion (NaN when usage is unknown). */
  public double tokensPerRequest() {
    return promptTokens + completionTokens;
  }
}
