package dev.capkit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capkit.gate.output.JUnitXml;
import dev.capkit.gate.output.VerdictMarkdown;
import dev.capkit.gate.output.VerdictTable;
import org.junit.jupiter.api.Test;

/** One golden file per output format, from a hand-made verdict. */
class OutputGoldenTest {
  @Test
  void table() throws Exception {
    Golden.assertMatches("gate.txt", new VerdictTable().render(Fixtures.verdict()));
  }

  @Test
  void junitXml() throws Exception {
    Golden.assertMatches("junit.xml", new JUnitXml().render(Fixtures.verdict()));
  }

  @Test
  void markdown() throws Exception {
    Golden.assertMatches("summary.md", new VerdictMarkdown().render(Fixtures.verdict()));
  }

  @Test
  void exitCodeFollowsTheWorstFinding() {
    GateVerdict v = Fixtures.verdict();
    assertEquals(1, v.exitCode());
    GateVerdict passing = new GateVerdict(v.baselineSource(), v.currentSource(), v.scenario(), v.method(), v.confidence(),
        v.tolerance(), v.comparisons().subList(1, 5), java.util.List.of(), v.notes());
    assertEquals(0, passing.exitCode(), "an undecided per-kind row does not block");
    GateVerdict unusable = new GateVerdict(v.baselineSource(), v.currentSource(), v.scenario(), v.method(), v.confidence(),
        v.tolerance(), v.comparisons().subList(1, 5), java.util.List.of("missing step: s01"), v.notes());
    assertEquals(2, unusable.exitCode());
  }
}
