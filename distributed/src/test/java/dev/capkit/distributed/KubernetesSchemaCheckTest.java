package dev.capkit.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the offline Kubernetes schema check {@code node k8s/schema-check/check.mjs} (the official
 * OpenAPI schemas compiled by the npm package kubernetes-models, plus kubectl's strict rejection of
 * unknown fields) on the manifests in {@code k8s/}, and proves that it rejects a broken manifest by
 * naming the file, the field and the value.
 *
 * <p>Needs {@code node} on the PATH and {@code npm ci --prefix k8s/schema-check}. Without them the
 * tests are skipped, unless {@code -Dci.requireK8sSchema=true} (as {@code .ci/run} runs
 * {@code mvn verify}) turns the missing tool into a failure.
 */
class KubernetesSchemaCheckTest {
  static final String REQUIRE_PROPERTY = "ci.requireK8sSchema";
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path CHECK = ROOT.resolve("k8s/schema-check/check.mjs");
  private static final Path MODELS = ROOT.resolve("k8s/schema-check/node_modules/kubernetes-models/package.json");
  private static final long TIMEOUT_SECONDS = 60;

  private Path node;

  /** Per test, not once per class: surefire then reports each test as skipped, with the reason. */
  @BeforeEach
  void needsNodeAndTheCheckPackages() {
    node = onPath("node");
    String missing = node == null ? "node is not on the PATH"
        : !Files.isRegularFile(MODELS) ? MODELS + " is missing (run: npm ci --prefix k8s/schema-check)" : null;
    if (missing != null && Boolean.getBoolean(REQUIRE_PROPERTY)) {
      fail("Kubernetes schema check required (-D" + REQUIRE_PROPERTY + "=true) but " + missing);
    }
    assumeTrue(missing == null, "Kubernetes schema check skipped: " + missing);
  }

  @Test
  void repositoryManifestsMatchTheKubernetesSchemas() throws Exception {
    CheckRun run = check();
    assertEquals(0, run.exit(), run.output());
    for (String line : List.of("ok k8s/injectors-job.yaml (Job)", "ok k8s/merge-job.yaml (Job)",
        "ok k8s/results-pvc.yaml (PersistentVolumeClaim)")) {
      assertTrue(run.output().lines().anyMatch(line::equals), "expected '" + line + "' in:\n" + run.output());
    }
  }

  @Test
  void unknownFieldAndWrongTypeAreRejectedNamingFileFieldAndValue(@TempDir Path dir) throws Exception {
    Path broken = Files.writeString(dir.resolve("broken-job.yaml"), """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: broken
        spec:
          completions: "three"
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: injector
                  image: capkit:dev
                  imagePullPolicyy: IfNotPresent
        """);
    CheckRun run = check(broken.toString());
    assertEquals(1, run.exit(), run.output());
    assertContains(run, broken + ": spec.completions: must be integer, found string \"three\"");
    assertContains(run, broken + ": spec.template.spec.containers[0].imagePullPolicyy: unknown field \"imagePullPolicyy\"");
    assertFalse(run.output().contains("ok " + broken), run.output());
    assertContains(run, "ok k8s/injectors-job.yaml (Job)");
  }

  @Test
  void placeholderLeftInARenderedManifestIsRejectedWithItsLine(@TempDir Path dir) throws Exception {
    Path unrendered = Files.writeString(dir.resolve("pvc.yaml"), """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: capkit-results-${RUN}
        spec:
          accessModes: ["ReadWriteMany"]
          resources:
            requests:
              storage: 5Gi
        """);
    CheckRun run = check(unrendered.toString());
    assertEquals(1, run.exit(), run.output());
    assertContains(run, unrendered + ":4: ${RUN} left unrendered");
  }

  @Test
  void unknownOptionIsAUsageError() throws Exception {
    CheckRun run = check("--strictest");
    assertEquals(2, run.exit(), run.output());
    assertContains(run, "unknown option '--strictest'");
  }

  private static void assertContains(CheckRun run, String expected) {
    assertTrue(run.output().contains(expected), "expected '" + expected + "' in:\n" + run.output());
  }

  private CheckRun check(String... files) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(node.toString(), CHECK.toString()));
    command.addAll(List.of(files));
    Path output = Files.createTempFile("capkit-k8s-check", ".txt");
    try {
      Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new CheckRun(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Exit status and combined stdout/stderr of one run of check.mjs. */
  private record CheckRun(int exit, String output) {}
}
