package dev.capkit.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The distributed-run contract of {@code k8s/}: each manifest is rendered as {@code envsubst} would,
 * parsed, and checked for Indexed completion mode, the index passed as {@code -Dcapkit.injector},
 * the merge reading every injector's run, and one shared claim, with a few required fields and types
 * of {@code batch/v1 Job} and {@code v1 PersistentVolumeClaim} that hold even where node is missing.
 * The full schema check (the official Kubernetes OpenAPI schemas, unknown fields rejected) is
 * {@link KubernetesSchemaCheckTest}.
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("../k8s");
  private static final Map<String, String> VARS = Map.of("RUN", "r1", "INJECTORS", "3", "START_AT", "1767225600000",
      "TARGET", "http://vllm:8000", "SCENARIO", "quickstart", "IMAGE", "capkit:dev", "CAPKIT_ARGS", "-Dcapkit.qps=30", "TARGET_QPS", "30");

  @Test
  void injectorsAreAnIndexedJobPassingTheIndexAsTheInjectorShare() throws IOException {
    Map<String, Object> job = render("injectors-job.yaml");
    Map<String, Object> spec = checkJob(job, "injectors-job.yaml");
    assertEquals("Indexed", spec.get("completionMode"));
    assertEquals(3, spec.get("completions"));
    assertEquals(3, spec.get("parallelism"));
    assertEquals(List.of("mvn"), strings(container(spec).get("command")), "Maven itself, no shell");
    assertEquals(List.of("-q", "-o", "gatling:test", "-pl", "simulations", "-am", "-Dcapkit.injector=$(JOB_COMPLETION_INDEX)/3",
        "-Dcapkit.startAt=1767225600000", "-Dcapkit.target=http://vllm:8000", "-Dcapkit.scenario=quickstart",
        "-Dcapkit.resultsDir=/results/r1/injector-$(JOB_COMPLETION_INDEX)"), strings(container(spec).get("args")));
    assertEquals("-Dcapkit.qps=30", env(container(spec), "MAVEN_ARGS"), "CAPKIT_ARGS reaches Maven as MAVEN_ARGS");
  }

  /** A value holding shell syntax stays one argument: no container runs a shell over the rendered values. */
  @Test
  void valuesArePassedAsArgumentsNeverAsShellText() throws IOException {
    for (String file : List.of("injectors-job.yaml", "merge-job.yaml")) {
      Map<String, Object> spec = map(render(file, Map.of("TARGET", "http://x:8000; rm -rf /results", "SCENARIO", "$(id)")), "spec");
      List<String> command = strings(container(spec).get("command"));
      assertFalse(List.of("sh", "bash", "/bin/sh", "/bin/bash").contains(command.get(0)), file + ": " + command);
      for (String arg : strings(container(spec).get("args"))) {
        assertFalse(arg.contains("&&") || arg.contains(" if "), file + ": shell text in " + arg);
      }
    }
    List<String> args = strings(container(map(render("injectors-job.yaml", Map.of("TARGET", "http://x:8000; rm -rf /results")), "spec")).get("args"));
    assertTrue(args.contains("-Dcapkit.target=http://x:8000; rm -rf /results"), "one argument, as given: " + args);
  }

  /** Every pod runs as the image's non-root user with no capabilities; the merge pod's root filesystem is read-only. */
  @Test
  void podsRunAsNonRootWithoutCapabilities() throws IOException {
    for (String file : List.of("injectors-job.yaml", "merge-job.yaml")) {
      Map<String, Object> pod = map(map(map(render(file), "spec"), "template"), "spec");
      Map<String, Object> podSecurity = map(pod, "securityContext");
      assertEquals(true, podSecurity.get("runAsNonRoot"), file);
      assertEquals(10001, podSecurity.get("runAsUser"), file + ": the Dockerfile's user capkit");
      Map<String, Object> security = map(container(map(render(file), "spec")), "securityContext");
      assertEquals(false, security.get("allowPrivilegeEscalation"), file);
      assertEquals(List.of("ALL"), map(security, "capabilities").get("drop"), file);
    }
    assertEquals(true, map(container(map(render("merge-job.yaml"), "spec")), "securityContext").get("readOnlyRootFilesystem"));
  }

  /** The Dockerfile's user is the one the manifests run as, and it owns what the build writes. */
  @Test
  void imageRunsAsTheSameNonRootUser() throws IOException {
    String dockerfile = Files.readString(Path.of("../Dockerfile"));
    assertTrue(dockerfile.contains("useradd --uid 10001"), "user capkit, uid 10001");
    assertTrue(dockerfile.contains("COPY --chown=10001:10001 . /capkit"), "sources owned by it");
    assertTrue(Pattern.compile("(?m)^USER 10001:10001$").matcher(dockerfile).find(), "USER before the build steps");
    assertTrue(dockerfile.indexOf("USER 10001:10001") < dockerfile.indexOf("RUN mvn"), "the warmed repository belongs to the user");
  }

  @Test
  void mergeJobReadsEveryInjectorRunFromTheSharedClaim() throws IOException {
    Map<String, Object> spec = checkJob(render("merge-job.yaml"), "merge-job.yaml");
    assertEquals(List.of("k8s/merge-run"), strings(container(spec).get("command")));
    assertEquals(List.of("/results/r1", "30"), strings(container(spec).get("args")));
    String script = Files.readString(K8S.resolve("merge-run"));
    assertTrue(script.contains("injectors=(\"$run\"/injector-*/*/)"), "every injector's run folder");
    assertTrue(script.contains("./capkit merge \"${injectors[@]}\" --out \"$run/merged\""), script);
    assertTrue(script.contains("./capkit plan \"$run/merged\" --target-qps \"$qps\""), script);
    assertTrue(script.contains("--plan \"$run/merged/plan/plan.json\" --out \"$run/merged/report.html\""), script);
  }

  /** The merge script takes hostile values as data: a run folder named like a command runs nothing. */
  @Test
  void mergeScriptNeverEvaluatesItsArguments(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path marker = tmp.resolve("evaluated");
    for (String run : List.of(tmp + "/r; touch " + marker, tmp + "/$(touch " + marker + ")", tmp + "/`touch " + marker + "`")) {
      Process p = new ProcessBuilder("bash", K8S.resolve("merge-run").toString(), run, "30; touch " + marker).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(2, p.waitFor(), out);
      assertTrue(out.contains("no injector run folders under '" + run + "'/injector-*/"), out);
      assertFalse(Files.exists(marker), "evaluated: " + run);
    }
  }

  @Test
  void resultsClaimIsSharedReadWriteMany() throws IOException {
    Map<String, Object> pvc = render("results-pvc.yaml");
    assertEquals("v1", pvc.get("apiVersion"));
    assertEquals("PersistentVolumeClaim", pvc.get("kind"));
    assertEquals("capkit-results", map(pvc, "metadata").get("name"));
    Map<String, Object> spec = map(pvc, "spec");
    assertEquals(List.of("ReadWriteMany"), spec.get("accessModes"));
    assertNotNull(map(map(spec, "resources"), "requests").get("storage"));
  }

  /** Required fields and types of a batch/v1 Job whose pods mount the results claim. */
  private static Map<String, Object> checkJob(Map<String, Object> job, String file) {
    assertEquals("batch/v1", job.get("apiVersion"), file);
    assertEquals("Job", job.get("kind"), file);
    String name = (String) map(job, "metadata").get("name");
    assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && name.length() <= 63, file + ": metadata.name " + name);
    Map<String, Object> spec = map(job, "spec");
    for (String intField : List.of("completions", "parallelism", "backoffLimit", "ttlSecondsAfterFinished")) {
      if (spec.containsKey(intField)) {
        assertInstanceOf(Integer.class, spec.get(intField), file + ": spec." + intField);
      }
    }
    Map<String, Object> pod = map(map(spec, "template"), "spec");
    assertTrue(List.of("Never", "OnFailure").contains(pod.get("restartPolicy")), file + ": a Job's restartPolicy");
    List<?> containers = (List<?>) pod.get("containers");
    assertFalse(containers.isEmpty(), file + ": spec.template.spec.containers");
    for (Object c : containers) {
      Map<?, ?> container = (Map<?, ?>) c;
      assertNotNull(container.get("name"), file + ": container name");
      assertNotNull(container.get("image"), file + ": container image");
      for (Object m : (List<?>) container.get("volumeMounts")) {
        String volume = (String) ((Map<?, ?>) m).get("name");
        assertTrue(((List<?>) pod.get("volumes")).stream().anyMatch(v -> volume.equals(((Map<?, ?>) v).get("name"))),
            file + ": volumeMount " + volume + " has a volume");
      }
    }
    Map<?, ?> volume = (Map<?, ?>) ((List<?>) pod.get("volumes")).get(0);
    assertEquals("capkit-results", ((Map<?, ?>) volume.get("persistentVolumeClaim")).get("claimName"), file);
    return spec;
  }

  private static Map<String, Object> render(String file) throws IOException {
    return render(file, Map.of());
  }

  private static Map<String, Object> render(String file, Map<String, String> overrides) throws IOException {
    Map<String, String> vars = new java.util.HashMap<>(VARS);
    vars.putAll(overrides);
    String text = Files.readString(K8S.resolve(file));
    Matcher m = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      assertTrue(vars.containsKey(m.group(1)), file + ": unknown placeholder ${" + m.group(1) + "}");
      m.appendReplacement(out, Matcher.quoteReplacement(vars.get(m.group(1))));
    }
    m.appendTail(out);
    return new Yaml().load(out.toString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<?, ?> parent, String key) {
    Object v = parent.get(key);
    assertInstanceOf(Map.class, v, "field " + key);
    return (Map<String, Object>) v;
  }

  private static Map<?, ?> container(Map<String, Object> jobSpec) {
    return (Map<?, ?>) ((List<?>) map(map(jobSpec, "template"), "spec").get("containers")).get(0);
  }

  private static String env(Map<?, ?> container, String name) {
    for (Object e : (List<?>) container.get("env")) {
      if (name.equals(((Map<?, ?>) e).get("name"))) {
        return String.valueOf(((Map<?, ?>) e).get("value"));
      }
    }
    return null;
  }

  private static List<String> strings(Object list) {
    return ((List<?>) list).stream().map(String::valueOf).toList();
  }
}
