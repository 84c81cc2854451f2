package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The page for the fixture run, hand-made plan and baseline, byte for byte. The page holds no
 * generation time and lists everything in a stable order, so any difference is a change of the
 * page. After a deliberate change: {@code mvn -pl reports -am test -Dreports.updateGolden=true}, then
 * look at the diff of {@code src/test/resources/golden/report-fixture.html} before committing it.
 */
class GoldenPageTest {
  @Test
  void fixturePageIsTheGoldenPage() throws Exception {
    String page = Fixtures.fullPage();
    if (Boolean.getBoolean("reports.updateGolden")) {
      Files.createDirectories(Fixtures.GOLDEN.getParent());
      Files.writeString(Fixtures.GOLDEN, page);
    }
    assertEquals(Files.readString(Fixtures.GOLDEN), page, "the page differs from " + Fixtures.GOLDEN);
    assertEquals(page, Fixtures.fullPage(), "two renderings of the same input differ");
  }
}
