package dev.capkit.core.results;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A results file (run.json, an interval log, server samples, a baseline) that is not what its
 * format says: a line that does not decode, a count that disagrees with another file, a truncated
 * end, a checksum that does not match. The message names the file, the line (when there is one)
 * and why, e.g. {@code steps/s00-qps1-none/e2e.hlog: line 7: histogram payload does not inflate}.
 * Consumers refuse (gate exit 2, planner) or mark what depends on it (report); nothing is judged on
 * what was read before the bad line.
 *
 * @see RunReader the formats and what "torn" (tolerated) and "corrupt" (refused) mean
 */
public final class CorruptFileException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final int line;
  private final String reason;

  /**
   * @param line 1-based line number, 0 when the problem is the whole file
   */
  public CorruptFileException(Path file, int line, String reason) {
    super(file + (line > 0 ? ": line " + line : "") + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  public Path file() {
    return file;
  }

  /** 1-based line number, 0 when the problem concerns the whole file. */
  public int line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
