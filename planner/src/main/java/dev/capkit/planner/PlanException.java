package dev.capkit.planner;

/**
 * Input the planner cannot plan from: a missing or unreadable run folder, runs of different
 * scenarios mixed, an unknown tier, a malformed option. The message names the file, field and value;
 * the command line prints it and exits with status 2.
 */
public final class PlanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PlanException(String message) {
    super(message);
  }

  public PlanException(String message, Throwable cause) {
    super(message, cause);
  }
}
