package dev.capkit.core.results;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A step's request counts second by second, {@code steps/<step id>/counts.csv}: an addition to
 * results format v1 (2026-12-02; runs written before it have none, and every reader still reads
 * them). This javadoc specifies it; {@link RunWriter} writes it, {@link RunReader.Run#counts} reads it.
 *
 * <h2>Why</h2>
 * The interval logs keep each second's latencies, not which request met every objective. Near
 * saturation the requests that miss an objective (or fail) come in bursts, so a step's goodput and
 * error rate vary more than independent requests would; with these counts the gate resamples them in
 * blocks of seconds like its latencies, instead of standing in for them.
 *
 * <h2>Format</h2>
 * ASCII, every line newline-terminated:
 * <pre>
 * #capkit results v1 counts step=&lt;step id&gt; unit=requests tag=request-kind
 * start_ms,kind,sent,ok,good
 * 0,chat,8,8,7
 * 1001,chat,9,8,8
 * </pre>
 * then one line per request kind per flush interval in which requests of that kind ended: the
 * interval's start in milliseconds after the step's start (the same interval, and so the same second,
 * as the interval logs' line for it), the kind (as the interval logs' {@code Tag=}), and of the
 * requests of that kind that ended in the interval: how many ({@code sent}: ended in any way, also
 * planned requests never sent), how many succeeded ({@code ok}), and how many of those met every
 * latency objective of the scenario ({@code good}, what goodput counts). Integers, {@code 0 <= good
 * <= ok <= sent}, {@code sent > 0}; {@code start_ms} never decreases.
 *
 * <h2>Checks</h2>
 * Like an interval log ({@link IntervalLogReader}): a bad line anywhere is corruption; a torn last
 * line (no final newline) is tolerated only while the step is unfinished. For a finished step the
 * lines add up, per kind, to run.json's {@code sent} and {@code ok} of the kind, and their
 * {@code good} to the step's {@code goodputRps x durationSeconds} (within run.json's rounding).
 *
 * <pre>{@code
 * CountsLog.Content c = CountsLog.read(file, IntervalLogReader.End.WHOLE);
 * long[] chat = c.totals().get("chat");   // {sent, ok, good}
 * }</pre>
 */
public final class CountsLog {
  public static final String FILE_NAME = "counts.csv";
  static final String COLUMNS = "start_ms,kind,sent,ok,good";
  private static final Pattern KIND = Pattern.compile("[!-+\\--~]+"); // printable ASCII, no space, no comma
  private static final Pattern COUNT = Pattern.compile("0|[1-9][0-9]{0,17}");

  private CountsLog() {}

  /** One line: requests of one kind that ended in the interval starting {@code startMillis} after the step's start. */
  public record Line(long startMillis, String kind, long sent, long ok, long good) {
    /** The second of the step this line counts in: {@code floor(startMillis / 1000)}. */
    public int second() {
      return (int) (startMillis / 1000);
    }
  }

  /**
   * What was read.
   *
   * @param tornLine the 1-based number of a torn last line that was ignored, 0 when none
   */
  public record Content(List<Line> lines, int tornLine) {
    public Content {
      lines = List.copyOf(lines);
    }

    /** Per kind, {@code {sent, ok, good}} over every line; key {@code *} for all kinds. */
    public Map<String, long[]> totals() {
      Map<String, long[]> out = new TreeMap<>();
      out.put("*", new long[3]);
      for (Line l : lines) {
        for (long[] t : List.of(out.computeIfAbsent(l.kind(), k -> new long[3]), out.get("*"))) {
          t[0] += l.sent();
          t[1] += l.ok();
          t[2] += l.good();
        }
      }
      return out;
    }
  }

  /** The header lines of a step's file. */
  public static String header(String stepId) {
    return "#capkit results v" + RunReader.FORMAT_VERSION + " counts step=" + stepId + " unit=requests tag=request-kind\n" + COLUMNS + "\n";
  }

  /** One line of counts, {@code counts = {sent, ok, good}}. */
  public static String line(long startMillis, String kind, long[] counts) {
    return startMillis + "," + kind + "," + counts[0] + "," + counts[1] + "," + counts[2] + "\n";
  }

  /** Reads and checks a counts file; see the class javadoc for what {@code end} tolerates. */
  public static Content read(Path file, IntervalLogReader.End end) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    boolean endsWithNewline = bytes.length > 0 && bytes[bytes.length - 1] == '\n';
    for (byte b : bytes) {
      if (b < 0) {
        throw new CorruptFileException(file, 0, "holds bytes that are not ASCII");
      }
    }
    List<String> text;
    try (BufferedReader in = new BufferedReader(new java.io.StringReader(new String(bytes, StandardCharsets.US_ASCII)))) {
      text = in.lines().toList();
    }
    if (text.isEmpty()) {
      throw new CorruptFileException(file, 0, "empty: expected the '#capkit results v" + RunReader.FORMAT_VERSION + " counts' header line");
    }
    boolean mayBeTorn = end == IntervalLogReader.End.MAY_BE_TORN && !endsWithNewline;
    Path parent = file.getParent();
    String step = parent == null || parent.getFileName() == null ? null : parent.getFileName().toString();
    String expected = "#capkit results v" + RunReader.FORMAT_VERSION + " counts step=" + step + " ";
    if (!text.get(0).startsWith(expected)) {
      if (text.size() == 1 && mayBeTorn) {
        return new Content(List.of(), 1);
      }
      throw new CorruptFileException(file, 1, "expected the header '" + expected + "...', found '" + clip(text.get(0)) + "'");
    }
    if (text.size() < 2 || !text.get(1).equals(COLUMNS)) {
      if (text.size() <= 2 && mayBeTorn) {
        return new Content(List.of(), text.size());
      }
      throw new CorruptFileException(file, Math.min(2, text.size()), text.size() < 2 ? "ends inside its header (no column line): truncated"
          : "expected the column line '" + COLUMNS + "', found '" + clip(text.get(1)) + "'");
    }
    List<Line> lines = new ArrayList<>();
    long lastStart = 0;
    for (int i = 2; i < text.size(); i++) {
      boolean last = i == text.size() - 1;
      Line l;
      try {
        l = parse(file, text.get(i), i + 1, lastStart);
      } catch (CorruptFileException e) {
        if (last && mayBeTorn) {
          return new Content(lines, i + 1);
        }
        throw e;
      }
      if (last && mayBeTorn) {
        return new Content(lines, i + 1); // a line without its newline may still be growing: not counted
      }
      lines.add(l);
      lastStart = l.startMillis();
    }
    if (!endsWithNewline) {
      throw new CorruptFileException(file, text.size(), "file ends without a newline: truncated (the step finished, so its file was closed whole)");
    }
    return new Content(lines, 0);
  }

  private static Line parse(Path file, String line, int lineNo, long lastStart) throws CorruptFileException {
    String[] f = line.split(",", -1);
    if (f.length != 5) {
      throw new CorruptFileException(file, lineNo, "expected " + COLUMNS + ": " + f.length + " field(s) in '" + clip(line) + "'");
    }
    if (!KIND.matcher(f[1]).matches()) {
      throw new CorruptFileException(file, lineNo, "bad kind '" + clip(f[1]) + "'");
    }
    long start = count(file, lineNo, "start_ms", f[0]);
    long sent = count(file, lineNo, "sent", f[2]);
    long ok = count(file, lineNo, "ok", f[3]);
    long good = count(file, lineNo, "good", f[4]);
    if (start < lastStart) {
      throw new CorruptFileException(file, lineNo, "start_ms " + start + " is before the line above's " + lastStart + " (lines reordered?)");
    }
    if (sent == 0 || ok > sent || good > ok) {
      throw new CorruptFileException(file, lineNo, "counts do not nest (need 0 <= good <= ok <= sent, sent > 0): sent " + sent + ", ok " + ok
          + ", good " + good);
    }
    return new Line(start, f[1], sent, ok, good);
  }

  private static long count(Path file, int lineNo, String field, String text) throws CorruptFileException {
    if (!COUNT.matcher(text).matches()) {
      throw new CorruptFileException(file, lineNo, field + " '" + clip(text) + "' is not a count");
    }
    return Long.parseLong(text);
  }

  /**
   * Checks a finished step's counts against run.json: per kind (and all kinds) {@code sent} and
   * {@code ok} equal, {@code good} equal to {@code goodputRps x durationSeconds} within the rounding
   * of both (4 and 3 decimals).
   */
  public static void crossCheck(Path file, StepSummary step, Content content) throws CorruptFileException {
    Map<String, long[]> totals = content.totals();
    long[] all = totals.get("*");
    if (all[0] != step.sent() || all[1] != step.ok()) {
      throw new CorruptFileException(file, 0, "counts sent " + all[0] + ", ok " + all[1] + ", but run.json says sent " + step.sent() + ", ok "
          + step.ok() + " for step " + step.id() + " (lines lost, added or altered)");
    }
    java.util.Set<String> kinds = new java.util.TreeSet<>(step.kinds() == null ? java.util.Set.of() : step.kinds().keySet());
    totals.keySet().stream().filter(k -> !k.equals("*")).forEach(kinds::add);
    for (String kind : kinds) {
      KindSummary k = step.kinds() == null ? null : step.kinds().get(kind);
      long[] got = totals.getOrDefault(kind, new long[3]);
      long wantSent = k == null ? 0 : k.sent();
      long wantOk = k == null ? 0 : k.ok();
      if (got[0] != wantSent || got[1] != wantOk) {
        throw new CorruptFileException(file, 0, "counts of kind '" + kind + "' are sent " + got[0] + ", ok " + got[1] + ", but run.json says sent "
            + wantSent + ", ok " + wantOk + " in step " + step.id() + " (lines lost, added or altered)");
      }
    }
    double expectedGood = step.goodputRps() * step.durationSeconds();
    double rounding = 0.00005 * step.durationSeconds() + 0.0005 * step.goodputRps() + 1e-6;
    if (Math.abs(all[2] - expectedGood) > rounding) {
      throw new CorruptFileException(file, 0, String.format(java.util.Locale.ROOT, "counts %d good request(s), but run.json's goodput %s/s"
          + " over %s s is %.3f in step %s (lines lost, added or altered)", all[2], step.goodputRps(), step.durationSeconds(), expectedGood,
          step.id()));
    }
  }

  private static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
