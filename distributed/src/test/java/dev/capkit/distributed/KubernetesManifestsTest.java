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
    String args = String.join(" ", container(spec).get("args") == null ? List.of() : strings(container(spec).get("args")));
    assertTrue(args.contains("-Dcapkit.injector=$(JOB_COMPLETION_INDEX)/3"), args);
    assertTrue(args.contains("-Dcapkit.startAt=1767225600000"), args);
    assertTrue(args.contains("-Dcapkit.resultsDir=/results/r1/injector-$(JOB_COMPLETION_INDEX)"), args);
  }

  @Test
  void mergeJobReadsEveryInjectorRunFromTheSharedClaim() throws IOException {
    Map<String, Object> spec = checkJob(render("merge-job.yaml"), "merge-job.yaml");
    String args = String.join(" ", strings(container(spec).get("args")));
    assertTrue(args.contains("./capkit merge /results/r1/injector-*/*/ --out /results/r1/merged"), args);
    assertTrue(args.contains("./capkit plan /results/r1/merged --target-qps 30"), args);
    assertTrue(args.contains("--plan /results/r1/merged/plan/plan.json --out /results/r1/merged/report.html"), args);
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
    String text = Files.readString(K8S.resolve(file));
    Matcher m = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      assertTrue(VARS.containsKey(m.group(1)), file + ": unknown placeholder ${" + m.group(1) + "}");
      m.appendReplacement(out, Matcher.quoteReplacement(VARS.get(m.group(1))));
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

  private static List<String> strings(Object list) {
    return ((List<?>) list).stream().map(String::valueOf).toList();
  }
}
