package dev.capkit.core.results;

import java.util.Objects;

/**
 * What capkit measured for one request: the unit both producers (the load generator against a
 * real endpoint, the emulator's virtual-time engine) emit and the run writer consumes.
 *
 * <p>Metric definitions follow vLLM's benchmark naming (see README "Metrics"):
 * <ul>
 *   <li>{@code ttftNanos}: send to the first streamed chunk with non-empty content ({@code -1} when none
 *       arrived or the request was not streamed);
 *   <li>{@code e2eNanos}: send to the last content chunk / end of a non-streamed body; for failed
 *       requests, send to the moment the failure was seen;
 *   <li>{@code itlNanos}: every gap between consecutive content chunks (empty array when fewer than two);
 *   <li>TPOT ({@link #tpotNanos()}): {@code (e2e - ttft) / (completionTokens - 1)}.
 * </ul>
 * {@code scheduleLagNanos} is actual send minus intended send time for open-loop load (wrk2's
 * coordinated-omission correction); {@code 0} for closed-loop requests, which have no schedule.
 * Token counts are {@code -1} when the server sent no {@code usage}.
 * {@code ttfaNanos} (time to the first answer token, after reasoning text) is {@code -1} unless the
 * stream carried reasoning text before its answer; {@code reasoningTokens} is
 * {@code usage.completion_tokens_details.reasoning_tokens} or {@code -1}.
 *
 * @param requestId     the {@code X-Request-Id} header value sent
 * @param traceId       the W3C trace id (32 hex chars) sent in {@code traceparent}
 * @param kind          request kind from the scenario mix, e.g. {@code phone-step}
 * @param startEpochMicros wall-clock time of the actual send, microseconds since the epoch
 */
public record RequestRecord(
    String requestId,
    String traceId,
    String kind,
    long startEpochMicros,
    long scheduleLagNanos,
    long ttftNanos,
    long e2eNanos,
    long[] itlNanos,
    int promptTokens,
    int completionTokens,
    Outcome outcome,
    int httpStatus,
    String error,
    long ttfaNanos,
    int reasoningTokens) {

  /** A record without reasoning figures (emulated and virtual runs, older producers). */
  public RequestRecord(String requestId, String traceId, String kind, long startEpochMicros, long scheduleLagNanos,
      long ttftNanos, long e2eNanos, long[] itlNanos, int promptTokens, int completionTokens, Outcome outcome,
      int httpStatus, String error) {
    this(requestId, traceId, kind, startEpochMicros, scheduleLagNanos, ttftNanos, e2eNanos, itlNanos, promptTokens,
        completionTokens, outcome, httpStatus, error, -1, -1);
  }

  public RequestRecord {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    itlNanos = itlNanos == null ? new long[0] : itlNanos;
    traceId = traceId == null ? "" : traceId;
    error = error == null ? "" : error;
  }

  /** Time per output token after the first, or {@code -1} when undefined (fewer than 2 tokens, no TTFT). */
  public long tpotNanos() {
    if (ttftNanos < 0 || e2eNanos < ttftNanos || completionTokens < 2) {
      return -1;
    }
    return (e2eNanos - ttftNanos) / (completionTokens - 1);
  }

  /** E2E measured from the intended send time (coordinated-omission corrected). */
  public long e2eFromIntendedNanos() {
    return e2eNanos < 0 ? -1 : e2eNanos + Math.max(0, scheduleLagNanos);
  }

  /** TTFT measured from the intended send time (coordinated-omission corrected). */
  public long ttftFromIntendedNanos() {
    return ttftNanos < 0 ? -1 : ttftNanos + Math.max(0, scheduleLagNanos);
  }

  public boolean ok() {
    return outcome.isSuccess();
  }
}
