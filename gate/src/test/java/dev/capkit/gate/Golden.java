package dev.capkit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources/golden/}. A change to one is a deliberate decision:
 * regenerate with {@code mvn -pl gate test -Dgolden.update=true} and review the diff.
 */
final class Golden {
  static final Path DIR = Path.of("src/test/resources/golden");

  private Golden() {}

  static void assertMatches(String name, String actual) throws IOException {
    Path file = DIR.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(DIR);
      Files.writeString(file, actual);
    }
    assertEquals(Files.readString(file), actual, "golden file " + file + " (regenerate with -Dgolden.update=true if the change is meant)");
  }
}
