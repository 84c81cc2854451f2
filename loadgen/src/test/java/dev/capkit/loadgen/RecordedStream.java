package dev.capkit.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A response body recorded with its read boundaries and arrival times, replayed through
 * {@link StreamTimings} without a socket.
 *
 * <p>File format "capkit recorded stream v1" ({@code src/test/resources/streams/*.sse}), line based:
 * <ul>
 *   <li>{@code ## ...}: comment;
 *   <li>{@code #status N}: the HTTP status (headers arrive with the first read);
 *   <li>{@code #read MS [cut]}: a network read arriving MS milliseconds after send; its bytes are every
 *       following line up to the next {@code #} marker line, line ends included; {@code cut} drops
 *       the last LF (which only exists so the next marker starts a line), for reads that end
 *       mid-line;
 *   <li>{@code #end eof [MS]} / {@code #end reset [MS]}: the body ended cleanly / the connection broke,
 *       at MS (default: the last read's time).
 * </ul>
 * SSE lines never start with {@code #}, so markers are unambiguous. Files are kept byte-exact
 * ({@code -text} in loadgen/.gitattributes).
 */
record RecordedStream(int status, List<Read> reads, boolean broken, long endMillis) {

  record Read(long millis, byte[] bytes) {}

  static final long SEND_NANOS = 1_000_000_000L; // arbitrary origin: only differences matter

  static RecordedStream load(String name) {
    try (InputStream in = RecordedStream.class.getResourceAsStream("/streams/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource streams/" + name);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RecordedStream parse(String text) {
    int status = 200;
    List<Read> reads = new ArrayList<>();
    boolean broken = false;
    long end = -1;
    long readMillis = -1;
    boolean cut = false;
    StringBuilder current = null;
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("#")) {
        if (current != null) {
          reads.add(new Read(readMillis, bytes(current, cut)));
          current = null;
        }
        String[] f = line.split(" ");
        switch (f[0]) {
          case "##" -> { }
          case "#status" -> status = Integer.parseInt(f[1]);
          case "#read" -> {
            readMillis = Long.parseLong(f[1]);
            cut = f.length > 2 && "cut".equals(f[2]);
            current = new StringBuilder();
          }
          case "#end" -> {
            broken = "reset".equals(f[1]);
            end = f.length > 2 ? Long.parseLong(f[2]) : readMillis;
          }
          default -> throw new IllegalArgumentException("unknown marker line: " + line);
        }
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    if (end < 0) {
      throw new IllegalArgumentException("recorded stream has no #end line");
    }
    return new RecordedStream(status, reads, broken, end);
  }

  private static byte[] bytes(StringBuilder read, boolean cut) {
    String s = read.toString();
    if (cut && s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Replays the stream through fresh timings (streaming request) and returns them, finished. */
  StreamTimings replay() {
    StreamTimings timings = StreamTimings.streaming(SEND_NANOS);
    boolean headers = false;
    for (Read read : reads) {
      long at = SEND_NANOS + read.millis() * 1_000_000L;
      if (!headers) {
        timings.onHeaders(at, status, status == 200 ? "text/event-stream" : "application/json");
        headers = true;
      }
      timings.onRead(at, read.bytes(), 0, read.bytes().length);
    }
    long endAt = SEND_NANOS + endMillis * 1_000_000L;
    if (broken) {
      timings.onBroken(endAt, "Connection reset by peer");
    } else {
      timings.onEnd(endAt);
    }
    return timings;
  }
}
