package dev.capkit.reports;

/**
 * Input the report cannot be built from at all (no run.json, unreadable plan.json). The message
 * names the file, the field and the value. Missing parts that still leave a page to show (no plan,
 * a partial run, a step without interval logs) are not exceptions: the page says what is missing.
 */
public final class ReportException extends Exception {
  private static final long serialVersionUID = 1L;

  public ReportException(String message) {
    super(message);
  }

  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
