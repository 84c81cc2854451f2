package dev.capkit.gate;

import java.util.List;

/**
 * The gate's whole answer: every comparison, the problems that make the input unusable, notes a
 * reader must see, and the exit status.
 *
 * <pre>{@code
 * GateVerdict v = new RegressionGate(RegressionStatistics.standard(), Tolerance.defaults(), 0.95).judge(baseline, current);
 * System.exit(v.exitCode());   // 0 pass, 1 regression, 2 unusable input
 * }</pre>
 *
 * @param method     the statistical method, one line, printed with every output
 * @param confidence the two-sided confidence of each comparison's interval
 * @param problems   why the input cannot be judged (mismatched scenario, missing steps, too few samples)
 * @param notes      differences worth knowing that do not prevent a verdict (other seed, other tier)
 * @param currentBasis the current run's basis: {@code measured} (a real server), {@code emulated} (capkit's emulator)
 *                   or {@code unrecorded}
 */
public record GateVerdict(String baselineSource, String currentSource, String scenario, String method, double confidence,
    Tolerance tolerance, List<Comparison> comparisons, List<String> problems, List<String> notes, String currentBasis) {

  public GateVerdict(String baselineSource, String currentSource, String scenario, String method, double confidence,
      Tolerance tolerance, List<Comparison> comparisons, List<String> problems, List<String> notes) {
    this(baselineSource, currentSource, scenario, method, confidence, tolerance, comparisons, problems, notes, RunFigures.UNRECORDED);
  }

  public static final int PASS = 0;
  public static final int REGRESSION = 1;
  public static final int UNUSABLE = 2;

  public GateVerdict {
    comparisons = List.copyOf(comparisons);
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  public List<Comparison> regressions() {
    return comparisons.stream().filter(c -> c.verdict() == Verdict.REGRESSION).toList();
  }

  public List<Comparison> undecided() {
    return comparisons.stream().filter(c -> c.verdict() == Verdict.UNDECIDED).toList();
  }

  /**
   * 1 when any comparison is a credible regression (the most actionable answer, even if other parts
   * of the input are unusable); else 2 when the input is unusable; else 0.
   */
  public int exitCode() {
    if (!regressions().isEmpty()) {
      return REGRESSION;
    }
    return problems.isEmpty() ? PASS : UNUSABLE;
  }

  /** One line: {@code PASS}, {@code REGRESSION (2)} or {@code UNUSABLE INPUT (1 problem)}. */
  public String headline() {
    return switch (exitCode()) {
      case REGRESSION -> "REGRESSION: " + regressions().size() + " credible regression(s) beyond tolerance";
      case UNUSABLE -> "UNUSABLE INPUT: " + problems.size() + " problem(s); nothing was passed";
      default -> "PASS: no credible regression beyond tolerance in " + comparisons.stream().filter(c -> c.verdict() == Verdict.PASS).count()
          + " judged comparison(s)";
    };
  }

  /**
   * The two-sided confidence of each comparison's interval: below {@link #confidence()} (family-wise)
   * when the gate split it over several comparisons (Bonferroni); {@link #confidence()} when none was decided.
   */
  public double comparisonConfidence() {
    return comparisons.stream().map(Comparison::interval).filter(e -> e.defined()).mapToDouble(e -> e.confidence()).findFirst()
        .orElse(confidence);
  }
}
