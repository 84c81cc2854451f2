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
 * The parser never allocates per event, and copies nothing when an event's one {@code data:} line
 * lies within one read (the usual case): the payload handed to the listener is then a range of the
 * caller's buffer. Only a line split across reads, or an event of several data lines, is copied into
 * the parser's own buffers, which are allocated on first need. The payload is only valid during the
 * callback. Not thread-safe: one parser per response.
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
  private static final int INITIAL_BUFFER = 512;

  private final Listener listener;
  // A line split across reads is assembled here; allocated on first need.
  private byte[] line;
  private int lineLength;
  // Data of the event being read. Usually it is one data line inside the current read: then it is
  // only referenced (pending*), never copied. It is copied into data when the read ends before the
  // event does, or when the event has several data lines.
  private byte[] data;
  private int dataLength;
  private byte[] pendingBuf;
  private int pendingOff;
  private int pendingLen;
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
      if (eol == end) {
        appendLine(buf, i, eol - i); // partial line: wait for more bytes
        break;
      }
      int next = eol + 1;
      if (buf[eol] == CR) {
        if (next < end) {
          if (buf[next] == LF) {
            next++;
          }
        } else {
          lastWasCr = true;
        }
      }
      if (lineLength > 0) {
        appendLine(buf, i, eol - i);
        int n = lineLength;
        lineLength = 0;
        processLine(line, 0, n);
      } else {
        processLine(buf, i, eol - i);
      }
      i = next;
    }
    if (pendingBuf != null) {
      materialize(); // buf is the caller's: keep the unfinished event's data past this call
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
    if (line == null) {
      line = new byte[Math.max(INITIAL_BUFFER, len)];
    } else if (lineLength + len > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + len));
    }
    System.arraycopy(buf, off, line, lineLength, len);
    lineLength += len;
  }

  /** One complete line {@code src[from, from+len)}, line end excluded. */
  private void processLine(byte[] src, int from, int len) {
    if (len == 0) {
      dispatch();
      return;
    }
    if (src[from] == ':') {
      return; // comment, e.g. a keep-alive ping
    }
    int colon = indexOfColon(src, from, from + len);
    int nameLength = colon < 0 ? len : colon - from;
    if (!isData(src, from, nameLength)) {
      return;
    }
    int valueStart = colon < 0 ? from + len : colon + 1;
    int valueEnd = from + len;
    if (valueStart < valueEnd && src[valueStart] == ' ') {
      valueStart++;
    }
    int valueLength = valueEnd - valueStart;
    if (!hasData && src != line) {
      pendingBuf = src; // the usual case: referenced where it lies
      pendingOff = valueStart;
      pendingLen = valueLength;
      hasData = true;
      return;
    }
    if (pendingBuf != null) {
      materialize();
    }
    ensureData(dataLength + valueLength + (hasData ? 1 : 0));
    if (hasData) {
      data[dataLength++] = LF;
    }
    System.arraycopy(src, valueStart, data, dataLength, valueLength);
    dataLength += valueLength;
    hasData = true;
  }

  private void materialize() {
    ensureData(pendingLen);
    System.arraycopy(pendingBuf, pendingOff, data, 0, pendingLen);
    dataLength = pendingLen;
    pendingBuf = null;
  }

  private void ensureData(int needed) {
    if (data == null) {
      data = new byte[Math.max(INITIAL_BUFFER, needed)];
    } else if (needed > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, needed));
    }
  }

  private static int indexOfColon(byte[] src, int from, int to) {
    for (int i = from; i < to; i++) {
      if (src[i] == ':') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isData(byte[] src, int from, int nameLength) {
    return nameLength == DATA.length && Arrays.equals(src, from, from + nameLength, DATA, 0, DATA.length);
  }

  private void dispatch() {
    if (!hasData) {
      return;
    }
    byte[] src;
    int off;
    int len;
    if (pendingBuf != null) {
      src = pendingBuf;
      off = pendingOff;
      len = pendingLen;
      pendingBuf = null;
    } else {
      src = data;
      off = 0;
      len = dataLength;
    }
    hasData = false;
    dataLength = 0;
    events++;
    if (Arrays.equals(src, off, off + len, DONE, 0, DONE.length)) {
      listener.onDone();
    } else {
      listener.onData(src, off, len);
    }
  }
}
