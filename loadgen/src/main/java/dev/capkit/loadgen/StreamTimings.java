package dev.capkit.loadgen;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns what one response delivered, and when, into a {@link RequestRecord}: the metric
 * definitions of capkit live here and nowhere else. Pure and socket-free, so recorded SSE streams
 * can be replayed through it in tests; {@link ChatClient} feeds it live from the event loop.
 *
 * <p>Inputs are {@code System.nanoTime()} values: the send time, then for every network read the
 * time the read came off the socket and its bytes. Definitions (vLLM's benchmark naming):
 * <ul>
 *   <li><b>content event</b>: an SSE event whose first choice has a non-empty {@code delta.content},
 *       {@code delta.reasoning_content} or {@code delta.reasoning}. The role-only opening chunk
 *       ({@code "content": ""}) and the trailing usage chunk are not content events. Reasoning
 *       text counts because it is generated tokens: the server's own TTFT
 *       ({@code vllm:time_to_first_token_seconds}) is stamped at the first generated token whether
 *       or not a reasoning parser later moves it into {@code reasoning_content}, and capkit's
 *       client-overhead figure compares against that.
 *   <li><b>TTFT</b>: send to the arrival of the first content event (reasoning or answer).
 *   <li><b>TTFA</b> (time to first answer token): send to the first event with non-empty
 *       {@code delta.content}, kept apart from TTFT when reasoning text came first; {@code -1} when
 *       the stream carried no reasoning text (then TTFT is the answer's) or no answer came.
 *   <li><b>reasoning tokens</b>: {@code usage.completion_tokens_details.reasoning_tokens} (OpenAI's
 *       field; vLLM and SGLang fill it for reasoning parsers that count), {@code -1} when absent.
 *   <li><b>ITL</b>: one gap per content event after the first, to the previous content event. All
 *       events decoded from one network read share that read's arrival time, so a bundle of k
 *       events in one read contributes one real gap and k-1 zero gaps. This is what vLLM's
 *       {@code bench serve} does (one ITL per received chunk), it keeps
 *       {@code sum(ITL) = E2E - TTFT}, and the zeros are the truth the client saw: k tokens landed
 *       at once. A single event carrying several tokens is one chunk and one gap; TPOT, which
 *       divides by {@code usage.completion_tokens}, is unaffected either way.
 *   <li><b>E2E</b>: send to the last content event (streaming), to the read that completed the body
 *       (non-streaming, error bodies), or to the moment a failure was seen.
 *   <li><b>tokens</b>: {@code usage.prompt_tokens} / {@code completion_tokens} from the last event
 *       (or whole body) that carried {@code usage}; {@code -1} when none did.
 * </ul>
 * Outcomes: a stream is {@link Outcome#OK} when {@code [DONE]} or a {@code finish_reason} arrived
 * and the body then ended (a break after {@code [DONE]} loses nothing and stays OK);
 * {@link Outcome#UNFINISHED_STREAM} when the body ended cleanly without either;
 * {@link Outcome#BROKEN_STREAM} when the connection broke before {@code [DONE]};
 * {@link Outcome#INVALID_RESPONSE} when an event is not JSON or a 200 stream holds no SSE event;
 * {@link Outcome#HTTP_ERROR} for a non-2xx status, and also for an error object sent inside a 200
 * stream (vLLM does this for failures after the headers went out; the record then carries the
 * error's {@code code} as its status when it is a 4xx/5xx, else 200).
 *
 * <pre>{@code
 * StreamTimings t = StreamTimings.streaming(sendNanos);
 * t.onHeaders(headersNanos, 200, "text/event-stream");
 * t.onRead(readNanos, bytes, 0, n);           // once per network read
 * t.onEnd(endNanos);
 * RequestRecord r = t.toRecord(requestId, traceId, "phone-step", startEpochMicros, 0L);
 * }</pre>
 * Single-threaded: one instance per request, used from one thread at a time.
 */
public final class StreamTimings implements SseEventParser.Listener {

  /** A non-streamed body larger than this is refused as invalid rather than buffered. */
  static final int MAX_WHOLE_BODY_BYTES = 32 * 1024 * 1024;
  private static final int HEAD_BYTES = 2048;
  private static final int MAX_ERROR_CHARS = 200;

  private final boolean streaming;
  private final long sendNanos;
  private final ChunkScan scan = new ChunkScan();
  private final SseEventParser parser;

  private int status = -1;
  private String contentType = "";
  private long firstByteNanos = -1;
  private long lastReadNanos = -1;
  private long currentReadNanos;
  private long bodyBytes;
  // The body's first bytes, for error messages; allocated only when a message may need them.
  private byte[] head;
  private int headLength;
  private byte[] whole; // non-streamed 2xx body
  private int wholeLength;

  private long firstContentNanos = -1;
  private long firstAnswerNanos = -1;
  private boolean reasoningSeen;
  private int reasoningTokens = -1;
  private long lastContentNanos = -1;
  private long[] itl = new long[64];
  private int itlCount;
  private long contentEvents;
  private int promptTokens = -1;
  private int completionTokens = -1;
  private boolean doneSeen;
  private boolean finishSeen;
  private String invalid; // first reason the body is not what was expected
  private String streamError; // error object found in the body
  private int streamErrorCode = -1;

  private Outcome outcome; // null until a terminal call
  private long endNanos;
  private String error = "";

  private StreamTimings(boolean streaming, long sendNanos) {
    this.streaming = streaming;
    this.sendNanos = sendNanos;
    this.parser = streaming ? new SseEventParser(this) : null;
  }

  /** For a request sent with {@code "stream": true}. */
  public static StreamTimings streaming(long sendNanos) {
    return new StreamTimings(true, sendNanos);
  }

  /** For a request sent with {@code "stream": false}: one JSON body. */
  public static StreamTimings whole(long sendNanos) {
    return new StreamTimings(false, sendNanos);
  }

  /** The response status line and headers arrived. */
  public void onHeaders(long nanos, int httpStatus, String responseContentType) {
    status = httpStatus;
    contentType = responseContentType == null ? "" : responseContentType;
    if (firstByteNanos < 0) {
      firstByteNanos = nanos;
    }
    lastReadNanos = nanos;
  }

  /** One network read of body bytes, stamped when it came off the socket. */
  public void onRead(long arrivalNanos, byte[] buf, int off, int len) {
    if (outcome != null || len <= 0) {
      return;
    }
    if (firstByteNanos < 0) {
      firstByteNanos = arrivalNanos;
    }
    lastReadNanos = arrivalNanos;
    currentReadNanos = arrivalNanos;
    bodyBytes += len;
    if (!isSuccessStatus()) {
      keepHead(buf, off, len); // error bodies: the head is all we keep
      return;
    }
    if (streaming) {
      parser.feed(buf, off, len);
      if (parser.events() == 0) {
        keepHead(buf, off, len); // only a stream without any event quotes its head
      }
    } else {
      keepHead(buf, off, len);
      appendWhole(buf, off, len);
    }
  }

  private void keepHead(byte[] buf, int off, int len) {
    if (headLength >= HEAD_BYTES) {
      return;
    }
    if (head == null) {
      head = new byte[HEAD_BYTES];
    }
    int n = Math.min(len, HEAD_BYTES - headLength);
    System.arraycopy(buf, off, head, headLength, n);
    headLength += n;
  }

  /** The body ended cleanly (end of chunked body, content-length reached, or clean EOF). */
  public void onEnd(long nanos) {
    if (outcome != null) {
      return;
    }
    if (!isSuccessStatus()) {
      finish(Outcome.HTTP_ERROR, nanos, "HTTP " + status + errorBodySuffix());
    } else if (streaming) {
      endStream(nanos);
    } else {
      endWhole(nanos);
    }
  }

  /** The connection broke (reset, EOF inside the body, or closed before the response). */
  public void onBroken(long nanos, String why) {
    if (outcome != null) {
      return;
    }
    if (streaming && doneSeen && isSuccessStatus()) {
      endStream(nanos); // everything arrived; only the chunked trailer was lost
      return;
    }
    String where = status < 0 ? "before response headers"
        : "after " + bodyBytes + " body bytes" + (streaming ? " and " + parser.events() + " events" : "");
    finish(Outcome.BROKEN_STREAM, nanos, "connection broke " + where + ": " + why);
  }

  /** The client gave up: a timeout ({@code outcome} says which) or a connect failure. */
  public void onFailure(Outcome failure, long nanos, String why) {
    if (outcome != null) {
      return;
    }
    finish(failure, nanos, why);
  }

  /** Whether a terminal call has happened. */
  public boolean isFinished() {
    return outcome != null;
  }

  /** The outcome, or {@code null} before a terminal call. */
  public Outcome outcome() {
    return outcome;
  }

  /** Whether any response byte (headers included) has arrived. */
  public boolean firstByteSeen() {
    return firstByteNanos >= 0;
  }

  /** The record of this request; call after a terminal call. */
  public RequestRecord toRecord(String requestId, String traceId, String kind, long startEpochMicros,
      long scheduleLagNanos) {
    if (outcome == null) {
      throw new IllegalStateException("request " + requestId + " has not finished");
    }
    long ttft = firstContentNanos < 0 ? -1 : firstContentNanos - sendNanos;
    long ttfa = reasoningSeen && firstAnswerNanos >= 0 && firstContentNanos >= 0 ? firstAnswerNanos - sendNanos : -1;
    long e2e;
    if (outcome == Outcome.OK && streaming && lastContentNanos >= 0) {
      e2e = lastContentNanos - sendNanos;
    } else {
      e2e = endNanos - sendNanos;
    }
    int httpStatus = status;
    if (outcome == Outcome.HTTP_ERROR && streamError != null && streamErrorCode >= 400 && streamErrorCode < 600) {
      httpStatus = streamErrorCode;
    }
    return new RequestRecord(requestId, traceId, kind, startEpochMicros, scheduleLagNanos,
        ttft, Math.max(0, e2e), Arrays.copyOf(itl, itlCount), promptTokens, completionTokens,
        outcome, Math.max(0, httpStatus), error, ttfa, reasoningTokens);
  }

  // --- SseEventParser.Listener: runs inside onRead, so currentReadNanos is this event's arrival.

  @Override
  public void onData(byte[] buf, int off, int len) {
    if (len == 0) {
      return;
    }
    try {
      scan.scan(buf, off, len);
    } catch (IOException | RuntimeException e) {
      if (invalid == null) {
        invalid = "event " + parser.events() + " is not JSON (" + oneLine(e.getMessage()) + "): "
            + oneLine(new String(buf, off, Math.min(len, 80), StandardCharsets.UTF_8));
      }
      return;
    }
    absorb(currentReadNanos);
  }

  @Override
  public void onDone() {
    doneSeen = true;
  }

  private void absorb(long arrivalNanos) {
    if (scan.error && streamError == null) {
      streamError = scan.errorMessage == null ? "(no message)" : scan.errorMessage;
      streamErrorCode = scan.errorCode;
    }
    if (scan.content) {
      contentEvents++;
      if (firstContentNanos < 0) {
        firstContentNanos = arrivalNanos;
      } else {
        if (itlCount == itl.length) {
          itl = Arrays.copyOf(itl, itl.length * 2);
        }
        itl[itlCount++] = arrivalNanos - lastContentNanos;
      }
      lastContentNanos = arrivalNanos;
    }
    reasoningSeen |= scan.reasoning;
    if (scan.answer && firstAnswerNanos < 0) {
      firstAnswerNanos = arrivalNanos;
    }
    if (scan.reasoningTokens >= 0) {
      reasoningTokens = scan.reasoningTokens;
    }
    finishSeen |= scan.finished;
    if (scan.promptTokens >= 0) {
      promptTokens = scan.promptTokens;
    }
    if (scan.completionTokens >= 0) {
      completionTokens = scan.completionTokens;
    }
  }

  private void endStream(long nanos) {
    if (streamError != null) {
      finish(Outcome.HTTP_ERROR, nanos, "error inside the stream"
          + (streamErrorCode > 0 ? " (code " + streamErrorCode + ")" : "") + ": " + oneLine(streamError));
    } else if (invalid != null) {
      finish(Outcome.INVALID_RESPONSE, nanos, invalid);
    } else if (parser.events() == 0 && bodyBytes > 0) {
      finish(Outcome.INVALID_RESPONSE, nanos, "expected SSE data events, got none (Content-Type "
          + contentType + "): " + headText());
    } else if (doneSeen || finishSeen) {
      finish(Outcome.OK, nanos, "");
    } else {
      finish(Outcome.UNFINISHED_STREAM, nanos, "body ended after " + parser.events()
          + " events without [DONE] or finish_reason" + (parser.hasPartialEvent() ? ", inside an event" : ""));
    }
  }

  private void endWhole(long nanos) {
    if (invalid != null) {
      finish(Outcome.INVALID_RESPONSE, nanos, invalid);
      return;
    }
    try {
      scan.scan(whole == null ? new byte[0] : whole, 0, wholeLength);
    } catch (IOException | RuntimeException e) {
      finish(Outcome.INVALID_RESPONSE, nanos, "body is not JSON (" + oneLine(e.getMessage()) + "): " + headText());
      return;
    }
    absorb(nanos);
    if (streamError != null) {
      finish(Outcome.HTTP_ERROR, nanos, "error in the response body: " + oneLine(streamError));
    } else if (!scan.content && !scan.finished) {
      finish(Outcome.INVALID_RESPONSE, nanos, "body has no choices[0].message content: " + headText());
    } else {
      finish(Outcome.OK, nanos, "");
    }
    firstContentNanos = -1; // no TTFT without a stream (RequestRecord contract)
    whole = null;
  }

  private void appendWhole(byte[] buf, int off, int len) {
    if (invalid != null) {
      return;
    }
    if ((long) wholeLength + len > MAX_WHOLE_BODY_BYTES) {
      invalid = "non-streamed body exceeds " + MAX_WHOLE_BODY_BYTES + " bytes";
      whole = null;
      return;
    }
    if (whole == null) {
      whole = new byte[Math.max(4096, len)];
    } else if (wholeLength + len > whole.length) {
      whole = Arrays.copyOf(whole, Math.max(whole.length * 2, wholeLength + len));
    }
    System.arraycopy(buf, off, whole, wholeLength, len);
    wholeLength += len;
  }

  private void finish(Outcome result, long nanos, String message) {
    outcome = result;
    endNanos = nanos;
    error = message.length() > 2 * MAX_ERROR_CHARS ? message.substring(0, 2 * MAX_ERROR_CHARS) + "..." : message;
  }

  private boolean isSuccessStatus() {
    return status < 0 || (status >= 200 && status < 300);
  }

  /** ": message" from an OpenAI/vLLM error JSON body, else the body's first characters. */
  private String errorBodySuffix() {
    if (headLength == 0) {
      return "";
    }
    try {
      scan.scan(head, 0, headLength);
      if (scan.error && scan.errorMessage != null) {
        return ": " + oneLine(scan.errorMessage);
      }
    } catch (IOException | RuntimeException e) {
      // not JSON (or longer than the head): fall back to the raw text below
    }
    return ": " + headText();
  }

  private String headText() {
    return head == null ? "" : oneLine(new String(head, 0, headLength, StandardCharsets.UTF_8));
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String flat = s.replace('\r', ' ').replace('\n', ' ').strip();
    return flat.length() > MAX_ERROR_CHARS ? flat.substring(0, MAX_ERROR_CHARS) + "..." : flat;
  }
}
