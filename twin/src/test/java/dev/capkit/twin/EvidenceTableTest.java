package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.EvidenceFile;
import dev.capkit.twin.evidence.EvidenceCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The twin against published measurements (scenarios/catalog/evidence/vllm-measurements.json): the
 * error table in twin/README.md between {@code <!-- evidence:begin -->} and {@code <!-- evidence:end -->}
 * must equal {@link EvidenceCheck#table()} (regenerate with {@code -Dcapkit.writeReadme=true}), and
 * the errors must stay inside the target: median |error| <= 10%, none beyond 25% unless the
 * evidence file names a cause the model does not cover.
 */
class EvidenceTableTest {
  private static final String BEGIN = "<!-- evidence:begin -->\n";
  private static final String END = "<!-- evidence:end -->";
  static final Path EVIDENCE = Path.of("../scenarios/catalog/evidence/vllm-measurements.json");

  @Test
  void readmeErrorTableIsCurrentAndWithinTarget() throws Exception {
    EvidenceCheck check = EvidenceCheck.of(Catalog.load(null), EvidenceFile.read(EVIDENCE));
    String table = check.table();
    Path readme = Path.of("README.md");
    String text = Files.readString(readme);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    assertTrue(b >= 0 && e > b, "README.md needs the evidence markers");
    if (Boolean.getBoolean("capkit.writeReadme")) {
      Files.writeString(readme, text.substring(0, b + BEGIN.length()) + table + text.substring(e));
      System.out.print(table);
    } else {
      assertTrue(text.substring(b + BEGIN.length(), e).equals(table),
          "README.md evidence table is stale; regenerate with -Dcapkit.writeReadme=true. Expected:\n" + table);
    }
    assertTrue(check.rows().size() >= 12, "fewer than 12 measurements: " + check.rows().size());
    assertTrue(check.medianAbsError() <= 0.10, "median |error| above 10%:\n" + table);
    assertTrue(check.unexplainedOutliers().isEmpty(),
        "a measurement is off by more than 25% without a named cause in the evidence file:\n" + table);
  }
}
