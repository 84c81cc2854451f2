package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the predictions table in twin/README.md generated from the code: the table between the
 * {@code <!-- predictions:begin -->} / {@code <!-- predictions:end -->} markers must equal
 * {@link CapacityPredictions#table}. To regenerate after changing a catalog or the model:
 * {@code mvn -q -pl twin -am test -Dtest=PredictionTableTest -Dsurefire.failIfNoSpecifiedTests=false -Dcapkit.writeReadme=true}.
 */
class PredictionTableTest {
  private static final String BEGIN = "<!-- predictions:begin -->\n";
  private static final String END = "<!-- predictions:end -->";

  @Test
  void readmeTableIsGeneratedFromTheModel() throws Exception {
    String table = CapacityPredictions.table(Catalog.load(null), 42);
    Path readme = Path.of("README.md"); // surefire runs in the module directory
    String text = Files.readString(readme);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    assertTrue(b >= 0 && e > b, "README.md needs the predictions markers");
    String current = text.substring(b + BEGIN.length(), e);
    if (Boolean.getBoolean("capkit.writeReadme")) {
      Files.writeString(readme, text.substring(0, b + BEGIN.length()) + table + text.substring(e));
      System.out.print(table);
      return;
    }
    assertTrue(current.equals(table), "README.md predictions are stale; regenerate with -Dcapkit.writeReadme=true. Expected:\n" + table);
  }
}
