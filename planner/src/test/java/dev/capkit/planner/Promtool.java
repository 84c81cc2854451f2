package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} (Debian package {@code prometheus}). Without it on the PATH a
 * test calling {@link #require()} is skipped, unless {@code -Dci.requirePrometheus=true} (as
 * {@code .ci/run} runs {@code mvn verify}) turns the missing tool into a failure.
 */
final class Promtool {
  static final String REQUIRE_PROPERTY = "ci.requirePrometheus";
  private static final long TIMEOUT_SECONDS = 60;

  /** What promtool answered. */
  record Result(int exit, String output) {}

  private final Path binary;

  private Promtool(Path binary) {
    this.binary = binary;
  }

  /** promtool from the PATH, or the calling test skipped (failed under -Dci.requirePrometheus=true). */
  static Promtool require() {
    Path found = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "promtool");
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        found = p;
        break;
      }
    }
    if (found == null && Boolean.getBoolean(REQUIRE_PROPERTY)) {
      fail("promtool required (-D" + REQUIRE_PROPERTY + "=true) but not on the PATH (apt-get install prometheus)");
    }
    assumeTrue(found != null, "promtool not on the PATH (apt-get install prometheus): skipped");
    return new Promtool(found);
  }

  Result run(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(workDir, "promtool", ".log");
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
