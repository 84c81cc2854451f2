package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Renders the fixture page in headless Chromium (Debian's {@code chromium}) to
 * {@code target/report-tests/report-fixture.png} and checks the screenshot is a drawn page, not a
 * blank one. Skipped when chromium is not installed; {@code reports/render.sh} is the manual path.
 */
class RenderedPageTest {
  @Test
  void chromiumRendersThePage() throws Exception {
    Path chromium = Stream.of("chromium", "chromium-browser").map(RenderedPageTest::onPath).filter(p -> p != null).findFirst().orElse(null);
    assumeTrue(chromium != null, "chromium not installed: rendering skipped");
    Path dir = Fixtures.OUT_DIR.toAbsolutePath();
    Path html = HtmlReport.write(List.of(Fixtures.RUN), Fixtures.PLAN, Fixtures.BASELINE, dir.resolve("report-fixture.html"));
    Path png = dir.resolve("report-fixture.png");
    Files.deleteIfExists(png);
    Path profile = Files.createTempDirectory("capkit-chromium");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--user-data-dir=" + profile, "--hide-scrollbars", "--screenshot=" + png,
        "--window-size=1280,3000", html.toUri().toString()).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
    assertEquals(0, p.exitValue());
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(1280, img.getWidth());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 50, "a drawn page has text, tables and chart colours; found " + colours.size() + " colours");
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
