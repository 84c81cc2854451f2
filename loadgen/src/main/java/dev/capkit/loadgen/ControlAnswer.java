package dev.capkit.loadgen;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to a request that is not part of the load ({@code GET /v1/models}, {@code GET /metrics},
 * {@code POST /tokenize}): either an HTTP answer, or {@code problem} saying why none came (one line
 * naming the target, e.g. an untrusted certificate with its remedy).
 *
 * @param status  HTTP status, or {@code 0} when no answer came
 * @param reason  reason phrase (may be empty)
 * @param headers response headers, names in lower case (first value of each)
 * @param body    the body as UTF-8 text
 * @param tls     negotiated TLS protocol and cipher suite, or null over plain HTTP
 * @param problem null when an HTTP answer came, else why not
 */
public record ControlAnswer(int status, String reason, Map<String, String> headers, String body, String tls, String problem) {

  public ControlAnswer {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? "" : body;
    reason = reason == null ? "" : reason;
  }

  static ControlAnswer failed(String problem) {
    return new ControlAnswer(0, "", Map.of(), "", null, Objects.requireNonNull(problem));
  }

  /** Whether an HTTP answer came (any status). */
  public boolean answered() {
    return problem == null;
  }

  /** A header's value (name in any case), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
