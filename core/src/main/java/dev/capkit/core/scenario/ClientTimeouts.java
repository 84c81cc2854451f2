package dev.capkit.core.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * Client-side timeouts, explicit because they decide what counts as an error. The seed article's
 * 1 s / 2 s / 3 s (connect / response header / total) would fail every multi-second LLM stream.
 *
 * <ul>
 *   <li>{@code connect}: opening the TCP connection (only paid when no pooled connection is idle);
 *   <li>{@code firstByte}: from the request being fully written to the first response byte (the
 *       response-header timeout of Go's {@code http.Transport} and most proxies);
 *   <li>{@code total}: the whole request, from send to the end of the body.
 * </ul>
 *
 * <pre>{@code
 * var timeouts = new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(5));
 * }</pre>
 */
public record ClientTimeouts(Duration connect, Duration firstByte, Duration total) {

  /** Generous defaults for a VLM whose prefill alone can take tens of seconds under load. */
  public static final ClientTimeouts DEFAULTS =
      new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(600));

  public ClientTimeouts {
    requirePositive("connect", connect);
    requirePositive("firstByte", firstByte);
    requirePositive("total", total);
  }

  private static void requirePositive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("timeouts." + field + " must be > 0, got " + value);
    }
  }
}
