package dev.capkit.gate.output;

import dev.capkit.gate.Comparison;
import dev.capkit.gate.GateVerdict;
import dev.capkit.gate.Verdict;

/**
 * The verdict as a JUnit XML report (the Ant/Surefire schema CI systems read): one
 * {@code <testsuite>} per gate run, one {@code <testcase>} per comparison (classname
 * {@code capkit.gate.<step>}, name {@code <kind> <metric>}), a {@code <failure type="regression">}
 * for each regression, a {@code <skipped>} for an undecided per-kind row, and an
 * {@code <error type="unusable-input">} on a testcase named {@code input} for each problem.
 * No timestamps: the same verdict gives the same bytes.
 *
 * <pre>{@code
 * Files.writeString(Path.of("target/gate/junit.xml"), new JUnitXml().render(verdict));
 * }</pre>
 */
public final class JUnitXml implements VerdictFormat {

  @Override
  public String fileName() {
    return "junit.xml";
  }

  @Override
  public String render(GateVerdict v) {
    int tests = v.comparisons().size() + v.problems().size();
    long failures = v.regressions().size();
    long skipped = v.undecided().stream().filter(c -> !c.required()).count();
    // required undecided rows are already problems (errors); do not count them twice as skipped
    long errors = v.problems().size();
    StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.append("<testsuites name=\"capkit gate\" tests=\"").append(tests).append("\" failures=\"").append(failures)
        .append("\" errors=\"").append(errors).append("\" skipped=\"").append(skipped).append("\">\n");
    x.append("  <testsuite name=\"capkit gate ").append(esc(v.scenario())).append("\" tests=\"").append(tests)
        .append("\" failures=\"").append(failures).append("\" errors=\"").append(errors).append("\" skipped=\"")
        .append(skipped).append("\" time=\"0\">\n");
    x.append("    <properties>\n");
    property(x, "baseline", v.baselineSource());
    property(x, "current", v.currentSource());
    property(x, "method", v.method());
    property(x, "confidence", Figures.confidence(v.confidence()));
    property(x, "exitCode", Integer.toString(v.exitCode()));
    x.append("    </properties>\n");
    for (String p : v.problems()) {
      x.append("    <testcase classname=\"capkit.gate\" name=\"input\" time=\"0\">\n");
      x.append("      <error type=\"unusable-input\" message=\"").append(esc(p)).append("\"/>\n");
      x.append("    </testcase>\n");
    }
    for (Comparison c : v.comparisons()) {
      x.append("    <testcase classname=\"capkit.gate.").append(esc(c.step())).append("\" name=\"").append(esc(c.kind()))
          .append(' ').append(esc(c.metric().key())).append("\" time=\"0\"");
      String detail = "baseline " + Figures.value(c, c.baseline()) + " (n=" + c.baselineCount() + "), current "
          + Figures.value(c, c.current()) + " (n=" + c.currentCount() + "), change " + Figures.change(c, c.change())
          + ", " + Figures.confidence(v.comparisonConfidence()) + " CI " + Figures.interval(c) + ", tolerance " + Figures.tolerance(c);
      if (c.verdict() == Verdict.REGRESSION) {
        x.append(">\n      <failure type=\"regression\" message=\"").append(esc(c.reason())).append("\">")
            .append(esc(detail)).append("</failure>\n    </testcase>\n");
      } else if (c.verdict() == Verdict.UNDECIDED && !c.required()) {
        x.append(">\n      <skipped message=\"").append(esc(c.reason())).append("\"/>\n    </testcase>\n");
      } else if (c.verdict() == Verdict.UNDECIDED) {
        // counted under the problem's "input" testcase; shown here as its detail
        x.append(">\n      <system-out>").append(esc("undecided: " + c.reason() + "; " + detail)).append("</system-out>\n    </testcase>\n");
      } else {
        x.append(">\n      <system-out>").append(esc(detail + ": " + c.reason())).append("</system-out>\n    </testcase>\n");
      }
    }
    x.append("  </testsuite>\n</testsuites>\n");
    return x.toString();
  }

  private static void property(StringBuilder x, String name, String value) {
    x.append("      <property name=\"").append(name).append("\" value=\"").append(esc(value)).append("\"/>\n");
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            out.append('?'); // not allowed in XML 1.0
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
