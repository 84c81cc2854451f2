package dev.capkit.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental Server-Sent Events parser: raw response bytes in, one callback per complete
 * {@code data:} event out, as in the WHATWG "event stream interpretation" rules that OpenAI-style
 * servers follow.
 *
 * <ul>
 *   <li>events may be split across reads at any byte, and one read may hold several events;
 *   <li>lines end in LF, CRLF or CR (a CR at the end of one read and the LF at the start of the
 *       next count as one line end);
 *   <li>lines starting with {@code :} are comments (keep-alive pings) and are skipped;
 *   <li>{@code data:} lines of one event are joined with LF; one space after the colon is dropped;
 *       other fields ({@code event:}, {@code id:}, {@code retry:}) are ignored;
 *   <li>an event is dispatched at the blank line that ends it; a payload of exactly
 *       {@code [DONE]} (OpenAI's end-of-stream sentinel) goes to {@link Listener#onDone()} instead.
 * </ul>
 * The parser never allocates per event once its buffers have grown to the largest line seen; the
 * payload handed to the listener is only valid during the callback. Not thread-safe: one parser
 * per response.
 *
 * <pre>{@code
 * var parser = new SseEventParser(new SseEventParser.Listener() {
 *   public void onData(byte[] buf, int off, int len) { ... }
 *   public void onDone() { ... }
 * });
 * parser.feed(bytes, 0, bytes.length);
 * }</pre>
 */
public final class SseEventParser {

  /** Receives complete events. */
  public interface Listener {
    /** One event's data (UTF-8 bytes {@code buf[off, off+len)}), valid only during the call. */
    void onData(byte[] buf, int off, int len);

    /** The {@code data: [DONE]} sentinel arrived. */
    void onDone();
  }

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private final Listener listener;
  private byte[] line = new byte[512];
  private int lineLength;
  private byte[] data = new byte[512];
  private int dataLength;
  private boolean hasData;
  private boolean lastWasCr;
  private long events;

  public SseEventParser(Listener listener) {
    this.listener = listener;
  }

  /** Feeds the next bytes of the body, in arrival order. */
  public void feed(byte[] buf, int off, int len) {
    int end = off + len;
    int i = off;
    if (lastWasCr && i < end && buf[i] == LF) {
      i++; // second half of a CRLF split across reads
    }
    lastWasCr = false;
    while (i < end) {
      int eol = i;
      while (eol < end && buf[eol] != LF && buf[eol] != CR) {
        eol++;
      }
      appendLine(buf, i, eol - i);
      if (eol == end) {
        return; // partial line: wait for more bytes
      }
      if (buf[eol] == CR) {
        if (eol + 1 < end) {
          if (buf[eol + 1] == LF) {
            eol++;
          }
        } else {
          lastWasCr = true;
        }
      }
      processLine();
      i = eol + 1;
    }
  }

  /** Complete events dispatched so far (data events and [DONE]). */
  public long events() {
    return events;
  }

  /**
   * Whether bytes of an unfinished event are buffered: at end of body this means the stream was
   * cut inside an event (the spec says such an event is discarded, and it is).
   */
  public boolean hasPartialEvent() {
    return lineLength > 0 || hasData;
  }

  private void appendLine(byte[] buf, int off, int len) {
    if (len == 0) {
      return;
    }
    if (lineLength + len > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + len));
    }
    System.arraycopy(buf, off, line, lineLength, len);
    lineLength += len;
  }

  private void processLine() {
    int len = lineLength;
    lineLength = 0;
    if (len == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') {
      return; // comment, e.g. a keep-alive ping
    }
    int colon = indexOfColon(len);
    int nameLength = colon < 0 ? len : colon;
    if (!isData(nameLength)) {
      return;
    }
    int valueStart = colon < 0 ? len : colon + 1;
    if (valueStart < len && line[valueStart] == ' ') {
      valueStart++;
    }
    int valueLength = len - valueStart;
    int needed = dataLength + valueLength + (hasData ? 1 : 0);
    if (needed > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, needed));
    }
    if (hasData) {
      data[dataLength++] = LF;
    }
    System.arraycopy(line, valueStart, data, dataLength, valueLength);
    dataLength += valueLength;
    hasData = true;
  }

  private int indexOfColon(int len) {
    for (int i = 0; i < len; i++) {
      if (line[i] == ':') {
        return i;
      }
    }
    return -1;
  }

  private boolean isData(int nameLength) {
    return nameLength == DATA.length && Arrays.equals(line, 0, nameLength, DATA, 0, DATA.length);
  }

  private void dispatch() {
    if (!hasData) {
      return;
    }
    int len = dataLength;
    hasData = false;
    dataLength = 0;
    events++;
    if (Arrays.equals(data, 0, len, DONE, 0, DONE.length)) {
      listener.onDone();
    } else {
      listener.onData(data, 0, len);
    }
  }
}
