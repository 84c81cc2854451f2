package dev.capkit.core.results;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Reads one capkit interval log ({@code steps/<step>/<metric>.hlog}, results format v1 as
 * {@link RunReader} specifies it) line by line and refuses anything that is not that format,
 * naming the file, the line and why ({@link CorruptFileException}).
 *
 * <h2>What is checked</h2>
 * <ul>
 *   <li>line 1 is {@code #capkit results v1 metric=<m> step=<s> ...} with {@code m} the file's
 *       metric and {@code s} its step folder;
 *   <li>then, in this order, {@code #[Histogram log format version <v>]}, {@code #[StartTime: <s> ...]},
 *       optionally {@code #[BaseTime: <s> ...]}, and the legend line exactly as HdrHistogram writes it;
 *   <li>every later line is an interval line
 *       {@code [Tag=<kind>,]<start s>,<length s>,<max s>,<payload>} whose numbers parse, whose
 *       payload is base64 of a compressed HdrHistogram that inflates (zlib's checksum guards the
 *       counts), and whose printed max agrees with the decoded histogram's max;
 *   <li>the file ends with a newline: the writer only ever writes whole lines.
 * </ul>
 *
 * <h2>Torn end versus corruption</h2>
 * A writer killed mid-write can leave half of its last line: the file then does not end with a
 * newline and its last line does not decode. That, and only that, is tolerated, and only when the
 * caller says the log may still be written ({@link End#MAY_BE_TORN}: the step is not among
 * run.json's finished steps). A finished step's logs were closed before run.json listed it
 * ({@link RunWriter#finishStep}), so they are read with {@link End#WHOLE}: a bad last line or a
 * missing final newline is a truncated file. A bad line anywhere else is corruption in either mode.
 *
 * <pre>{@code
 * IntervalLogReader.Summary s = IntervalLogReader.read(file, IntervalLogReader.End.WHOLE, h -> total.add(h));
 * }</pre>
 */
public final class IntervalLogReader {
  private static final double YEAR_SECONDS = 365 * 24 * 3600.0;
  /** Max is printed in seconds with 3 decimals ({@code HistogramLogWriter}: micros / 1e6). */
  private static final double MAX_UNIT_RATIO = 1_000_000.0;

  /** Whether the log may end with half a line. */
  public enum End {
    /** The step finished: its logs were closed whole. */
    WHOLE,
    /** The step had not finished when the run was read: the last line may be torn. */
    MAY_BE_TORN
  }

  /**
   * What was read.
   *
   * @param intervals  interval lines handed to the action
   * @param values     values in them
   * @param tornLine   the 1-based number of a torn last line that was ignored, 0 when none
   */
  public record Summary(int intervals, long values, int tornLine) {}

  private static final String LEGEND = "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"";
  private static final java.util.regex.Pattern FORMAT_VERSION = java.util.regex.Pattern.compile("#\\[Histogram log format version [0-9]+(\\.[0-9]+)*\\]");

  private final Path file;
  private int headerLines; // header lines after line 1 seen so far: format version, start time, [base time], legend
  private boolean legendSeen;
  private double startTimeSec;
  private double baseTimeSec;
  private boolean baseTimeKnown;

  private IntervalLogReader(Path file) {
    this.file = file;
  }

  /** Hands every interval histogram to {@code action} in file order (tag = request kind, timestamps epoch ms). */
  public static Summary read(Path file, End end, Consumer<Histogram> action) throws IOException {
    return new IntervalLogReader(file).readAll(end, action);
  }

  private Summary readAll(End end, Consumer<Histogram> action) throws IOException {
    boolean endsWithNewline = endsWithNewline(file);
    int intervals = 0;
    long values = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String line = in.readLine();
      if (line == null) {
        throw new CorruptFileException(file, 0, "empty: expected the '#capkit results v" + RunReader.FORMAT_VERSION + "' header line");
      }
      checkHeader(line);
      int lineNo = 1;
      String next = in.readLine();
      while (next != null) {
        String current = next;
        lineNo++;
        next = in.readLine();
        boolean last = next == null;
        Histogram h;
        try {
          h = line(current, lineNo);
        } catch (CorruptFileException e) {
          if (last && !endsWithNewline && end == End.MAY_BE_TORN) {
            return new Summary(intervals, values, lineNo);
          }
          throw e;
        }
        if (last && !endsWithNewline && end == End.WHOLE) {
          throw new CorruptFileException(file, lineNo, "file ends without a newline: truncated (the step finished, so its log was closed whole)");
        }
        if (h != null) {
          intervals++;
          values += h.getTotalCount();
          action.accept(h);
        }
      }
      if (!legendSeen && end == End.WHOLE) {
        throw new CorruptFileException(file, lineNo, "ends inside its header (no legend line): truncated");
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new CorruptFileException(file, 0, "holds bytes that are not ASCII");
    }
    return new Summary(intervals, values, 0);
  }

  private void checkHeader(String line) throws CorruptFileException {
    String prefix = "#capkit results v" + RunReader.FORMAT_VERSION + " ";
    if (!line.startsWith(prefix)) {
      throw new CorruptFileException(file, 1, "expected the header '" + prefix + "metric=... step=...', found '" + clip(line) + "'");
    }
    String name = file.getFileName().toString();
    if (name.endsWith(".hlog")) {
      String metric = name.substring(0, name.length() - ".hlog".length());
      if (!line.contains(" metric=" + metric + " ")) {
        throw new CorruptFileException(file, 1, "header does not name metric '" + metric + "' (the file's name): '" + clip(line) + "'");
      }
    }
    Path parent = file.getParent();
    if (parent != null && parent.getFileName() != null && !line.contains(" step=" + parent.getFileName() + " ")) {
      throw new CorruptFileException(file, 1, "header does not name step '" + parent.getFileName() + "' (its folder): '" + clip(line) + "'");
    }
  }

  /** An interval histogram, or null for a header line. */
  private Histogram line(String line, int lineNo) throws CorruptFileException {
    if (!legendSeen) {
      header(line, lineNo);
      return null;
    }
    if (line.isEmpty()) {
      throw new CorruptFileException(file, lineNo, "empty line (the writer never writes one)");
    }
    String[] f = line.split(",", -1);
    String tag = null;
    int i = 0;
    if (f[0].startsWith("Tag=")) {
      tag = f[0].substring(4);
      if (tag.isEmpty() || !tag.chars().allMatch(c -> c > ' ' && c < 127)) {
        throw new CorruptFileException(file, lineNo, "bad tag '" + clip(f[0]) + "'");
      }
      i = 1;
    }
    if (f.length - i != 4) {
      throw new CorruptFileException(file, lineNo, "expected [Tag=kind,]start,length,max,histogram: " + (f.length - i) + " fields after the tag");
    }
    double start = number(f[i], "interval start", lineNo);
    double length = number(f[i + 1], "interval length", lineNo);
    double max = number(f[i + 2], "interval max", lineNo);
    if (start < 0 || length < 0 || max < 0) {
      throw new CorruptFileException(file, lineNo, "negative interval start, length or max");
    }
    Histogram h = decode(f[i + 3], lineNo);
    double decodedMax = h.getMaxValue() / MAX_UNIT_RATIO;
    if (Math.abs(decodedMax - max) > 0.0015 + decodedMax * 1e-9) {
      throw new CorruptFileException(file, lineNo, String.format("interval max %s s disagrees with the histogram's max %.6f s", f[i + 2], decodedMax));
    }
    if (!baseTimeKnown) {
      baseTimeSec = start < startTimeSec - YEAR_SECONDS ? startTimeSec : 0; // as HdrHistogram's HistogramLogReader deduces it
      baseTimeKnown = true;
    }
    h.setStartTimeStamp((long) ((start + baseTimeSec) * 1000.0));
    h.setEndTimeStamp((long) ((start + length + baseTimeSec) * 1000.0));
    h.setTag(tag);
    return h;
  }

  /** The header lines after line 1, in the order HdrHistogram's writer puts them. */
  private void header(String line, int lineNo) throws CorruptFileException {
    headerLines++;
    if (headerLines == 1 && FORMAT_VERSION.matcher(line).matches()) {
      return;
    }
    if (headerLines == 2 && line.startsWith("#[StartTime: ") && line.endsWith("]")) {
      startTimeSec = number(line.substring(13).split(" ", 2)[0], "StartTime", lineNo);
      return;
    }
    if (headerLines == 3 && line.startsWith("#[BaseTime: ") && line.endsWith("]")) {
      baseTimeSec = number(line.substring(12).split(" ", 2)[0], "BaseTime", lineNo);
      baseTimeKnown = true;
      return;
    }
    if (headerLines >= 3 && line.equals(LEGEND)) {
      legendSeen = true;
      return;
    }
    String expected = switch (headerLines) {
      case 1 -> "#[Histogram log format version ...]";
      case 2 -> "#[StartTime: ...]";
      default -> "the legend " + LEGEND;
    };
    throw new CorruptFileException(file, lineNo, "expected " + expected + ", found '" + clip(line) + "'");
  }

  private Histogram decode(String payload, int lineNo) throws CorruptFileException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(file, lineNo, "histogram payload is not base64 (" + e.getMessage() + ")");
    }
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
    } catch (DataFormatException | RuntimeException e) {
      throw new CorruptFileException(file, lineNo, "histogram payload does not decode (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
  }

  private double number(String text, String what, int lineNo) throws CorruptFileException {
    try {
      double v = Double.parseDouble(text);
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CorruptFileException(file, lineNo, what + " '" + clip(text) + "' is not a number");
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      if (ch.size() == 0) {
        return false;
      }
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.position(ch.size() - 1);
      ch.read(b);
      return b.get(0) == '\n';
    }
  }

  private static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
