package dev.capkit.gate;

/**
 * The outcome of one comparison.
 *
 * <pre>{@code
 * comparison.verdict() == Verdict.REGRESSION   // beyond tolerance and the interval excludes "no change"
 * }</pre>
 */
public enum Verdict {
  /** Within tolerance, or the worsening is not credible (the interval includes "no change"). */
  PASS,
  /** Worse by more than the tolerance and the interval excludes "no change". */
  REGRESSION,
  /** No decision possible (too few samples, missing data); says why. */
  UNDECIDED;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
