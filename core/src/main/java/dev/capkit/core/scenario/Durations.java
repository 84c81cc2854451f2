package dev.capkit.core.scenario;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the short duration syntax used in scenario files and {@code -Dcapkit.*}
 * properties: a number followed by {@code ms}, {@code s}, {@code m} or {@code h}, e.g.
 * {@code 500ms}, {@code 2.5s}, {@code 10m}.
 */
public final class Durations {
  private static final Pattern SYNTAX = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  private Durations() {}

  /** Returns the duration, or throws {@link IllegalArgumentException} with the accepted syntax. */
  public static Duration parse(String text) {
    Matcher m = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (use e.g. 500ms, 30s, 2m, 1h)");
    }
    double value = Double.parseDouble(m.group(1));
    double nanosPerUnit = switch (m.group(2)) {
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      default -> 3600e9;
    };
    return Duration.ofNanos(Math.round(value * nanosPerUnit));
  }

  /** Shortest exact rendering in the same syntax, e.g. {@code 30s}, {@code 1500ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
