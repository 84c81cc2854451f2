package dev.capkit.loadgen;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh ids for one request: the {@code X-Request-Id} value and the W3C trace context
 * ({@code traceparent: 00-<32 hex trace id>-<16 hex span id>-01}). Random rather than sequential
 * so that several injectors merged into one run never collide.
 */
record TraceIds(String requestId, String traceId, String spanId) {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static TraceIds fresh() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long hi = random.nextLong();
    long lo = random.nextLong();
    if (hi == 0 && lo == 0) {
      lo = 1; // the all-zero trace id is invalid in W3C trace context
    }
    long span = random.nextLong();
    if (span == 0) {
      span = 1;
    }
    String traceId = hex(hi, lo);
    String requestId = hex(random.nextLong(), random.nextLong());
    return new TraceIds(requestId, traceId, hex(span));
  }

  /** The {@code traceparent} header value, sampled flag set. */
  String traceparent() {
    return "00-" + traceId + "-" + spanId + "-01";
  }

  private static String hex(long... words) {
    char[] out = new char[16 * words.length];
    int pos = 0;
    for (long w : words) {
      for (int shift = 60; shift >= 0; shift -= 4) {
        out[pos++] = HEX[(int) (w >>> shift) & 0xF];
      }
    }
    return new String(out);
  }
}
