package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capkit.core.results.RunReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The main job run in this JVM by Gatling ({@link CapkitSimulation}) for end-to-end tests, as
 * {@code mvn gatling:test} runs it: scenarios from the repository's {@code scenarios/}, run folders
 * under {@code <dir>/runs}, Gatling's files under {@code <dir>/gatling}; the {@code capkit.*} system
 * properties a run sets are restored after each test.
 *
 * <pre>{@code
 * @RegisterExtension final InProcessMainJob mainJob = new InProcessMainJob();
 * int status = mainJob.run(dir, Map.of("capkit.qps", "3", "capkit.duration", "4s", "capkit.profile", "instant"));
 * RunReader.Run run = InProcessMainJob.onlyRun(dir);
 * }</pre>
 */
final class InProcessMainJob implements AfterEachCallback {
  private final Properties saved = (Properties) System.getProperties().clone();

  @Override
  public void afterEach(ExtensionContext context) {
    System.setProperties(saved);
  }

  /** Runs the main job with these {@code capkit.*} properties; returns Gatling's exit status. */
  int run(Path dir, Map<String, String> properties) {
    System.setProperty("capkit.scenariosDir", Path.of("../scenarios").toAbsolutePath().toString());
    System.setProperty("capkit.resultsDir", dir.resolve("runs").toString());
    System.setProperty("capkit.gatlingResultsDir", dir.resolve("gatling").toString());
    properties.forEach(System::setProperty);
    return io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
        "-s", CapkitSimulation.class.getName(), "-rf", dir.resolve("gatling").toString(), "-nr"});
  }

  /** The one run folder the test's run wrote. */
  static RunReader.Run onlyRun(Path dir) throws IOException {
    try (var runs = Files.list(dir.resolve("runs"))) {
      List<Path> all = runs.toList();
      assertEquals(1, all.size(), "run folders under " + dir.resolve("runs"));
      return RunReader.read(all.get(0));
    }
  }
}
