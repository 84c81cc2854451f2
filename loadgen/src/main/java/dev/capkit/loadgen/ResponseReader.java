package dev.capkit.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Incremental HTTP/1.1 response decoder for the load path: raw bytes of one connection in, status
 * and headers once per response, then the body as ranges of the bytes fed in (a chunked body's
 * chunk data is handed on where it lies: no copy, no object per chunk), then the end.
 *
 * <p>What it follows (RFC 9112, as Netty's {@code HttpObjectDecoder} did here before it):
 * <ul>
 *   <li>status line {@code HTTP/1.x SP code [SP reason]}; lines end in CRLF or a bare LF;
 *   <li>interim 1xx responses other than 101 are skipped; 1xx, 204 and 304 have no body;
 *   <li>body: {@code Transfer-Encoding} ending in {@code chunked} (chunk extensions and trailers
 *       ignored), else {@code Content-Length}, else until the connection closes;
 *   <li>keep-alive: HTTP/1.1 unless {@code Connection: close}; HTTP/1.0 only with
 *       {@code Connection: keep-alive};
 *   <li>limits: status line 4,096 bytes, headers 8,192 bytes, chunk-size line 8,192 bytes.
 * </ul>
 * Malformed input is reported once ({@link Listener#malformed}) and everything after it ignored.
 * Only the {@code Content-Type} value becomes a String. Not thread-safe: one per connection.
 */
final class ResponseReader {

  /** Receives one response's parts; buffers passed in are valid only during the call. */
  interface Listener {
    void headers(int status, String contentType, boolean keepAlive);

    void body(byte[] buf, int off, int len);

    /** The body is complete (not called for a body that ends with the connection: see {@link #inputClosed}). */
    void end();

    void malformed(String why);
  }

  static final int MAX_STATUS_LINE = 4096;
  static final int MAX_HEADERS = 8192;
  static final int MAX_CHUNK_SIZE_LINE = 8192;

  private enum State { STATUS_LINE, HEADERS, LENGTH_BODY, UNTIL_CLOSE_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, DONE, BAD }

  private State state = State.STATUS_LINE;
  private byte[] line = new byte[256];
  private int lineLength;
  private int headerBytes;
  private long remaining;

  // The response being read.
  private int status;
  private boolean http10;
  private String contentType;
  private long contentLength;
  private boolean chunked;
  private boolean connectionClose;
  private boolean connectionKeepAlive;

  /** Expects a new response (the connection is reused for the next request). */
  void reset() {
    state = State.STATUS_LINE;
    lineLength = 0;
    headerBytes = 0;
  }

  /** Whether the response read so far is complete. */
  boolean isDone() {
    return state == State.DONE;
  }

  /**
   * Feeds bytes in arrival order. Returns how many were consumed: fewer than {@code len} only when
   * the response ended (or turned out malformed) inside them; the rest belong to no request.
   */
  int feed(byte[] buf, int off, int len, Listener listener) {
    int end = off + len;
    int i = off;
    while (i < end) {
      switch (state) {
        case STATUS_LINE, HEADERS, CHUNK_SIZE, TRAILERS -> i = readLine(buf, i, end, listener);
        case LENGTH_BODY -> {
          int n = (int) Math.min(remaining, end - i);
          listener.body(buf, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            finish(listener);
          }
        }
        case UNTIL_CLOSE_BODY -> {
          listener.body(buf, i, end - i);
          i = end;
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          listener.body(buf, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            state = State.CHUNK_END;
          }
        }
        case CHUNK_END -> {
          // CRLF after the chunk data; as Netty, anything up to the LF is skipped
          if (buf[i++] == '\n') {
            state = State.CHUNK_SIZE;
          }
        }
        case DONE, BAD -> {
          return i - off;
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    return i - off;
  }

  /**
   * The connection closed. Returns true when that completed the response (a body delimited by the
   * close); the caller then treats it as a clean end. Otherwise the response was cut.
   */
  boolean inputClosed(Listener listener) {
    if (state == State.UNTIL_CLOSE_BODY) {
      finish(listener);
      return true;
    }
    return false;
  }

  private int readLine(byte[] buf, int from, int end, Listener listener) {
    int eol = from;
    while (eol < end && buf[eol] != '\n') {
      eol++;
    }
    int n = eol - from;
    if (lineLength + n > limit()) {
      fail(listener, tooLong());
      return end;
    }
    if (lineLength + n > line.length) {
      line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
    }
    System.arraycopy(buf, from, line, lineLength, n);
    lineLength += n;
    if (eol == end) {
      return end; // the line goes on in the next read
    }
    int length = lineLength;
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    lineLength = 0;
    line(length, listener);
    return eol + 1;
  }

  private int limit() {
    return switch (state) {
      case STATUS_LINE -> MAX_STATUS_LINE;
      case HEADERS, TRAILERS -> MAX_HEADERS - headerBytes;
      default -> MAX_CHUNK_SIZE_LINE;
    };
  }

  private String tooLong() {
    return switch (state) {
      case STATUS_LINE -> "status line longer than " + MAX_STATUS_LINE + " bytes";
      case HEADERS, TRAILERS -> "headers larger than " + MAX_HEADERS + " bytes";
      default -> "chunk size line longer than " + MAX_CHUNK_SIZE_LINE + " bytes";
    };
  }

  private void line(int length, Listener listener) {
    switch (state) {
      case STATUS_LINE -> statusLine(length, listener);
      case HEADERS -> {
        headerBytes += length + 2;
        if (length == 0) {
          headersDone(listener);
        } else {
          header(length, listener);
        }
      }
      case CHUNK_SIZE -> chunkSize(length, listener);
      case TRAILERS -> {
        headerBytes += length + 2;
        if (length == 0) {
          finish(listener);
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void statusLine(int length, Listener listener) {
    if (length == 0) {
      return; // tolerated, as Netty does: empty lines before a status line
    }
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (length < 12 || !startsWith(line, "HTTP/1.") || (line[7] != '0' && line[7] != '1') || line[8] != ' '
        || !digit(line[9]) || !digit(line[10]) || !digit(line[11]) || (length > 12 && line[12] != ' ')) {
      fail(listener, "invalid status line: " + text(0, Math.min(length, 80)));
      return;
    }
    http10 = line[7] == '0';
    status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    contentType = null;
    contentLength = -1;
    chunked = false;
    connectionClose = false;
    connectionKeepAlive = false;
    headerBytes = 0;
    state = State.HEADERS;
  }

  private void header(int length, Listener listener) {
    if (line[0] == ' ' || line[0] == '\t') {
      return; // obsolete line folding: continues a header none of which matter here
    }
    int colon = indexOf(line, (byte) ':', length);
    if (colon <= 0) {
      fail(listener, "invalid header line: " + text(0, Math.min(length, 80)));
      return;
    }
    int v = colon + 1;
    int ve = length;
    while (v < ve && (line[v] == ' ' || line[v] == '\t')) {
      v++;
    }
    while (ve > v && (line[ve - 1] == ' ' || line[ve - 1] == '\t')) {
      ve--;
    }
    if (nameIs(colon, "content-type")) {
      contentType = text(v, ve);
    } else if (nameIs(colon, "content-length")) {
      long n = parseDecimal(v, ve);
      if (n < 0 || (contentLength >= 0 && contentLength != n)) {
        fail(listener, "invalid Content-Length: " + text(v, Math.min(ve, v + 40)));
        return;
      }
      contentLength = n;
    } else if (nameIs(colon, "transfer-encoding")) {
      // chunked only when it is the last coding (RFC 9112 6.3)
      String codings = text(v, ve).toLowerCase(Locale.ROOT);
      int comma = codings.lastIndexOf(',');
      chunked = codings.substring(comma + 1).trim().equals("chunked");
    } else if (nameIs(colon, "connection")) {
      String tokens = text(v, ve).toLowerCase(Locale.ROOT);
      for (String t : tokens.split(",")) {
        connectionClose |= t.trim().equals("close");
        connectionKeepAlive |= t.trim().equals("keep-alive");
      }
    }
  }

  private void headersDone(Listener listener) {
    if (status >= 100 && status < 200 && status != 101) {
      state = State.STATUS_LINE; // interim response: the real one follows
      return;
    }
    boolean keepAlive = http10 ? connectionKeepAlive && !connectionClose : !connectionClose;
    listener.headers(status, contentType, keepAlive);
    if (state == State.DONE || state == State.BAD) {
      return; // the listener gave up on this response (e.g. it timed out meanwhile)
    }
    if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
      finish(listener);
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      if (contentLength == 0) {
        finish(listener);
      } else {
        remaining = contentLength;
        state = State.LENGTH_BODY;
      }
    } else {
      state = State.UNTIL_CLOSE_BODY;
    }
  }

  private void chunkSize(int length, Listener listener) {
    int e = length;
    int semicolon = indexOf(line, (byte) ';', length);
    if (semicolon >= 0) {
      e = semicolon; // chunk extensions: ignored
    }
    int s = 0;
    while (s < e && (line[s] == ' ' || line[s] == '\t')) {
      s++;
    }
    while (e > s && (line[e - 1] == ' ' || line[e - 1] == '\t')) {
      e--;
    }
    if (s == e || e - s > 15) {
      fail(listener, "invalid chunk size: " + text(0, Math.min(length, 40)));
      return;
    }
    long size = 0;
    for (int k = s; k < e; k++) {
      int h = Character.digit(line[k], 16);
      if (h < 0) {
        fail(listener, "invalid chunk size: " + text(0, Math.min(length, 40)));
        return;
      }
      size = size * 16 + h;
    }
    if (size == 0) {
      headerBytes = 0;
      state = State.TRAILERS;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
  }

  private void finish(Listener listener) {
    state = State.DONE;
    listener.end();
  }

  private void fail(Listener listener, String why) {
    state = State.BAD;
    listener.malformed(why);
  }

  private boolean nameIs(int nameLength, String lowerName) {
    if (nameLength != lowerName.length()) {
      return false;
    }
    for (int k = 0; k < nameLength; k++) {
      int c = line[k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerName.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private long parseDecimal(int from, int to) {
    if (from == to || to - from > 18) {
      return -1;
    }
    long n = 0;
    for (int k = from; k < to; k++) {
      if (!digit(line[k])) {
        return -1;
      }
      n = n * 10 + (line[k] - '0');
    }
    return n;
  }

  private String text(int from, int to) {
    return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static boolean startsWith(byte[] b, String prefix) {
    for (int k = 0; k < prefix.length(); k++) {
      if (b[k] != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, byte value, int length) {
    for (int k = 0; k < length; k++) {
      if (b[k] == value) {
        return k;
      }
    }
    return -1;
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }
}
