package dev.capkit.core.results;

/**
 * How one request ended, as the client saw it. Every request ends in exactly one outcome; only
 * {@link #OK} counts as a success. The names are stable: they appear in {@code run.json} (lower
 * case, see {@link #key()}) and in the tables printed during a run.
 */
public enum Outcome {
  /** HTTP 200 and, for a stream, {@code data: [DONE]} (or a final chunk with a finish_reason) arrived. */
  OK,
  /** The server answered with a non-2xx status; the status is in {@link RequestRecord#httpStatus()}. */
  HTTP_ERROR,
  /** The TCP connection could not be opened (refused, unreachable, reset during connect). */
  CONNECT_ERROR,
  /** The connect timeout expired before the connection was open. */
  CONNECT_TIMEOUT,
  /** Connected and sent, but no response headers / first byte within the first-byte timeout. */
  FIRST_BYTE_TIMEOUT,
  /** The response started but did not complete within the whole-request timeout. */
  TOTAL_TIMEOUT,
  /** The connection broke mid-response (reset or EOF inside the body). Never retried by capkit. */
  BROKEN_STREAM,
  /** The response body ended cleanly but the stream never finished ({@code [DONE]} and finish_reason missing). */
  UNFINISHED_STREAM,
  /** A 200 response whose body was not the expected JSON or SSE. */
  INVALID_RESPONSE,
  /**
   * Planned (open loop) but never sent: the load generator fell so far behind that the request's
   * step closed first (it waits the whole-request timeout for late sends). Counted as a failed
   * request of its step, so a step's requests add up to the plan; a sign the injector is overloaded.
   */
  NOT_SENT;

  /** Lower-case name used in files, e.g. {@code broken_stream}. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean isSuccess() {
    return this == OK;
  }
}
