package dev.capkit.core.scenario;

/**
 * Bad input in a scenario (file missing, unknown field, value out of range). The message names the
 * file, the field path and the offending value, so a person can fix it without reading code.
 * Command-line entry points map it to exit status 2.
 */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String field;

  public ScenarioException(String source, String field, String message) {
    super(source + (field.isEmpty() ? "" : ": field '" + field + "'") + ": " + message);
    this.source = source;
    this.field = field;
  }

  /** The file (or {@code -Dcapkit.*} property) the bad value came from. */
  public String source() {
    return source;
  }

  /** Dotted path of the bad field, e.g. {@code load.qps[1]}; empty for whole-file problems. */
  public String field() {
    return field;
  }
}
