package dev.capkit.gate.output;

import dev.capkit.gate.Comparison;
import dev.capkit.gate.GateVerdict;
import java.util.Locale;

/**
 * The verdict as the terminal table: one row per comparison (step, kind, metric, baseline,
 * current, change, interval, tolerance, verdict), then the problems, notes and the headline.
 *
 * <pre>{@code
 * System.out.print(new VerdictTable().render(verdict));
 * }</pre>
 */
public final class VerdictTable implements VerdictFormat {
  private static final String ROW = "%-22s %-14s %-9s %11s %11s %9s %21s %7s %8s  %s%n";

  @Override
  public String fileName() {
    return "gate.txt";
  }

  @Override
  public String render(GateVerdict v) {
    StringBuilder out = new StringBuilder();
    out.append("capkit gate: ").append(v.currentSource()).append('\n');
    out.append("  against baseline ").append(v.baselineSource()).append(" (scenario ").append(v.scenario()).append(")\n");
    out.append("  method: ").append(v.method()).append('\n');
    out.append("  ").append(Figures.confidence(v.comparisonConfidence())).append(" two-sided interval per comparison;"
        + " baseline/current are the runs' p99s (HdrHistogram, 3 significant digits) or rates, change and CI are derived;"
        + " basis: current " + v.currentBasis() + "\n"
        + "  detect.: the smallest worsening caught with about 95% probability at this sample (derived from the comparison's"
        + " interval; approximate: reruns differ more than one run's sampling spread, gate/README.md \"Power\")\n\n");
    out.append(String.format(Locale.ROOT, ROW, "step", "kind", "metric", "baseline", "current", "change",
        Figures.confidence(v.comparisonConfidence()) + " CI", "toler.", "detect.", "verdict"));
    for (Comparison c : v.comparisons()) {
      out.append(String.format(Locale.ROOT, ROW, c.step(), c.kind(), c.metric().key(), Figures.value(c, c.baseline()),
          Figures.value(c, c.current()), Figures.change(c, c.change()), Figures.interval(c), Figures.tolerance(c),
          Figures.detectable(c), c.verdict().label() + (c.verdict() == dev.capkit.gate.Verdict.PASS ? "" : ": " + c.reason())));
    }
    out.append('\n');
    for (String p : v.problems()) {
      out.append("problem: ").append(p).append('\n');
    }
    for (String n : v.notes()) {
      out.append("note: ").append(n).append('\n');
    }
    long undecided = v.undecided().stream().filter(c -> !c.required()).count();
    if (undecided > 0) {
      out.append("note: ").append(undecided).append(" per-kind comparison(s) undecided (too few samples); they do not block\n");
    }
    out.append("capkit gate: ").append(v.headline()).append(" (exit ").append(v.exitCode()).append(")\n");
    return out.toString();
  }
}
