package dev.capkit.netem;

import java.util.Locale;

/** Which way bytes flow through the proxy: client to upstream, or upstream back to the client. */
public enum Direction {
  /** Client to upstream (the request). */
  UPSTREAM,
  /** Upstream to client (the response, e.g. an SSE stream). */
  DOWNSTREAM;

  /** toxiproxy's {@code stream} value. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses toxiproxy's {@code stream} value; null for anything else. */
  public static Direction parse(String s) {
    if ("upstream".equals(s)) {
      return UPSTREAM;
    }
    if ("downstream".equals(s)) {
      return DOWNSTREAM;
    }
    return null;
  }
}
