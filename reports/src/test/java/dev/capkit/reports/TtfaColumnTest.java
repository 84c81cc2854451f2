package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step table shows TTFA p50/p99 only for runs whose run.json has {@code metrics.ttfa} (reasoning models). */
class TtfaColumnTest {
  @TempDir
  Path dir;

  @Test
  void ttfaColumnsAppearWithReasoningOnly() throws Exception {
    Path run = dir.resolve("run");
    Fixtures.copyTree(Fixtures.RUN, run);
    assertFalse(StepTable.html(RunData.load(run)).contains("TTFA"), "no reasoning in the fixture: no TTFA columns");

    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(run.resolve("run.json").toFile());
    ObjectNode ttfa = ((ObjectNode) root.get("steps").get(0).get("metrics")).putObject("ttfa");
    ttfa.put("count", 3).put("mean", 1500.0).put("p50", 1400.5).put("p90", 1900.0).put("p95", 1950.0).put("p99", 2010.25)
        .put("p999", 2010.25).put("max", 2010.25);
    json.writeValue(run.resolve("run.json").toFile(), root);

    String table = StepTable.html(RunData.load(run));
    assertTrue(table.contains("<th>TTFA p50 (ms)</th><th>TTFA p99 (ms)</th>"), table);
    assertTrue(table.contains("data-field=\"steps[0].metrics.ttfa.p50\" data-value=\"1400.5\"")
        && table.contains("data-field=\"steps[0].metrics.ttfa.p99\" data-value=\"2010.25\""), table);
    assertTrue(table.contains("<td class=\"n\" data-value=\"NaN\">n/a</td>"), "steps without reasoning show n/a");
  }
}
