package dev.capkit.gate.output;

import dev.capkit.gate.Comparison;
import dev.capkit.gate.GateVerdict;
import dev.capkit.gate.Verdict;

/**
 * The verdict as a Markdown summary for a pull request or a CI job page: headline, problems,
 * regressions first, then every comparison in a table, the method and notes.
 *
 * <pre>{@code
 * Files.writeString(Path.of(System.getenv("GITHUB_STEP_SUMMARY")), new VerdictMarkdown().render(verdict));
 * }</pre>
 */
public final class VerdictMarkdown implements VerdictFormat {

  @Override
  public String fileName() {
    return "summary.md";
  }

  @Override
  public String render(GateVerdict v) {
    StringBuilder m = new StringBuilder();
    m.append("## capkit gate: ").append(v.headline()).append("\n\n");
    m.append("Scenario `").append(v.scenario()).append("`: current `").append(v.currentSource()).append("` against baseline `")
        .append(v.baselineSource()).append("`. Exit status ").append(v.exitCode()).append(".\n\n");
    if (!v.problems().isEmpty()) {
      m.append("### Unusable input\n\n");
      v.problems().forEach(p -> m.append("- ").append(md(p)).append('\n'));
      m.append('\n');
    }
    if (!v.regressions().isEmpty()) {
      m.append("### Regressions\n\n");
      for (Comparison c : v.regressions()) {
        m.append("- **").append(md(c.name())).append("**: ").append(Figures.value(c, c.baseline())).append(" → ")
            .append(Figures.value(c, c.current())).append(" (").append(Figures.change(c, c.change())).append(", CI ")
            .append(Figures.interval(c)).append(", tolerance ").append(Figures.tolerance(c)).append(")\n");
      }
      m.append('\n');
    }
    m.append("### All comparisons\n\n");
    m.append("| step | kind | metric | baseline | current | change | ").append(Figures.confidence(v.comparisonConfidence()))
        .append(" CI | tolerance | detectable | verdict |\n");
    m.append("|---|---|---|---:|---:|---:|---|---:|---:|---|\n");
    for (Comparison c : v.comparisons()) {
      m.append("| ").append(md(c.step())).append(" | ").append(md(c.kind())).append(" | ").append(c.metric().key())
          .append(" | ").append(Figures.value(c, c.baseline())).append(" | ").append(Figures.value(c, c.current()))
          .append(" | ").append(Figures.change(c, c.change())).append(" | ").append(Figures.interval(c)).append(" | ")
          .append(Figures.tolerance(c)).append(" | ").append(Figures.detectable(c)).append(" | ")
          .append(c.verdict() == Verdict.REGRESSION ? "**regression**" : c.verdict().label())
          .append(c.verdict() == Verdict.UNDECIDED ? ": " + md(c.reason()) : "").append(" |\n");
    }
    m.append("\nBaseline and current are the runs' figures (p99 from HdrHistogram with 3 significant digits, rates from request"
        + " counts; the current run's basis: ").append(v.currentBasis()).append("); change, CI and detectable are derived (detectable:"
        + " the smallest worsening caught with about 95% probability at this sample, from the comparison's interval; approximate:"
        + " reruns differ more than one run's sampling spread, gate/README.md \"Power\"). Method: ").append(md(v.method())).append(".\n");
    if (!v.notes().isEmpty()) {
      m.append('\n');
      v.notes().forEach(n -> m.append("- note: ").append(md(n)).append('\n'));
    }
    return m.toString();
  }

  private static String md(String s) {
    return s.replace("|", "\\|").replace("*", "\\*");
  }
}
