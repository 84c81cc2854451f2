package dev.capkit.reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Paths of the test fixtures, relative to the module directory (where surefire runs) so rendered pages are the same on every machine. */
public final class Fixtures {
  static final Path RUN = Path.of("src/test/resources/fixture/run-quickstart");
  static final Path BASELINE = Path.of("src/test/resources/fixture/run-baseline");
  static final Path PLAN = Path.of("src/test/resources/fixture/plan/plan.json");
  static final Path GOLDEN = Path.of("src/test/resources/golden/report-fixture.html");
  static final Path OUT_DIR = Path.of("target/report-tests");

  private Fixtures() {}

  static String fullPage() throws ReportException {
    return HtmlReport.render(java.util.List.of(RUN), PLAN, BASELINE, OUT_DIR);
  }

  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
