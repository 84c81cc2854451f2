package dev.capkit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Map;

/**
 * The head of a chat request (request line and headers), encoded by the client itself rather than
 * by Netty's {@code HttpRequestEncoder}: what is the same for every request of a client (request
 * line, Host, User-Agent, Content-Type, the user's extra headers, the auth header) is encoded once;
 * per request only Accept, Content-Length, {@code x-request-id}, {@code traceparent} and the plan
 * key are appended. The request on the wire is the head followed by the body's shared segments
 * (one buffer wrapping them, nothing copied here).
 *
 * <p>Why: the encoder built a headers map per request and encoded every header anew, about a tenth
 * of the event loop's CPU in the client's steady-state profile (loadgen/README.md). Header names are
 * written in lower case as Netty's constants are; values are checked once (no line breaks or control
 * characters, as {@link EndpointOptions} checks the extra headers) and written as ISO-8859-1 bytes.
 *
 * <pre>{@code
 * RequestHead head = new RequestHead("/v1/chat/completions", "127.0.0.1:8000", Map.of(), null, null);
 * ByteBuf wire = head.request(chatRequest, TraceIds.fresh());   // POST ... HTTP/1.1\r\n...\r\n\r\n + body
 * }</pre>
 */
final class RequestHead {

  private static final byte[] ACCEPT_STREAM = ascii("accept: text/event-stream\r\n");
  private static final byte[] ACCEPT_JSON = ascii("accept: application/json\r\n");
  private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
  private static final byte[] REQUEST_ID = ascii("\r\nx-request-id: ");
  private static final byte[] TRACEPARENT = ascii("\r\ntraceparent: ");
  private static final byte[] PLAN_KEY = ascii("\r\n" + ChatClient.X_CAPKIT_PLAN_KEY + ": ");
  private static final byte[] END = ascii("\r\n\r\n");

  private final byte[] fixed;

  /**
   * @param requestTarget the request line's target (origin form, or absolute form through an http proxy)
   * @param host          the Host header value
   * @param extraHeaders  the user's extra headers, in order (already checked by {@link EndpointOptions})
   * @param authName      the auth header's name, or null for none
   * @param authValue     its value
   */
  RequestHead(String requestTarget, String host, Map<String, String> extraHeaders, CharSequence authName,
      CharSequence authValue) {
    StringBuilder b = new StringBuilder(256);
    b.append("POST ").append(requestTarget).append(" HTTP/1.1\r\n");
    header(b, "host", host);
    header(b, "user-agent", ChatClient.USER_AGENT);
    header(b, "content-type", "application/json");
    for (Map.Entry<String, String> e : extraHeaders.entrySet()) {
      header(b, e.getKey(), e.getValue());
    }
    if (authName != null) {
      header(b, authName, authValue);
    }
    this.fixed = ascii(b.toString());
  }

  /** The whole request: this head with the request's own headers, then its body segments. */
  ByteBuf request(ChatRequest request, TraceIds ids) {
    String planKey = request.planKey();
    if (planKey != null && !HeaderNames.isValue(planKey)) {
      throw new IllegalArgumentException("plan key '" + planKey + "': has a line break or control character");
    }
    String requestId = ids.requestId();
    String traceparent = ids.traceparent();
    byte[] accept = request.stream() ? ACCEPT_STREAM : ACCEPT_JSON;
    String length = Integer.toString(request.length());
    int size = fixed.length + accept.length + CONTENT_LENGTH.length + length.length() + REQUEST_ID.length
        + requestId.length() + TRACEPARENT.length + traceparent.length()
        + (planKey == null ? 0 : PLAN_KEY.length + planKey.length()) + END.length;
    byte[] head = new byte[size];
    int at = put(head, 0, fixed);
    at = put(head, at, accept);
    at = put(head, at, CONTENT_LENGTH);
    at = put(head, at, length);
    at = put(head, at, REQUEST_ID);
    at = put(head, at, requestId);
    at = put(head, at, TRACEPARENT);
    at = put(head, at, traceparent);
    if (planKey != null) {
      at = put(head, at, PLAN_KEY);
      at = put(head, at, planKey);
    }
    put(head, at, END);
    byte[][] segments = request.segments();
    byte[][] all = new byte[segments.length + 1][];
    all[0] = head;
    System.arraycopy(segments, 0, all, 1, segments.length);
    return Unpooled.wrappedBuffer(all);
  }

  private static void header(StringBuilder b, CharSequence name, CharSequence value) {
    String v = value.toString();
    if (!HeaderNames.isValue(v)) {
      throw new IllegalArgumentException("header '" + name + "': value has a line break or control character");
    }
    b.append(name).append(": ").append(v).append("\r\n");
  }

  private static int put(byte[] to, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, to, at, bytes.length);
    return at + bytes.length;
  }

  private static int put(byte[] to, int at, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      to[at++] = (byte) ascii.charAt(i);
    }
    return at;
  }

  private static byte[] ascii(String s) {
    byte[] out = new byte[s.length()];
    put(out, 0, s);
    return out;
  }
}
