package dev.capkit.planner.output;

import dev.capkit.planner.PlanResult;
import dev.capkit.planner.SloTarget;
import dev.capkit.planner.TierRecommendation;
import dev.capkit.planner.sizing.PodResources;

/**
 * Kubernetes YAML for the recommended tier, three documents:
 * <ol>
 *   <li>a {@code Deployment} of vLLM serving the model: replicas from the plan, resources from
 *       {@link PodResources} (CPU, memory, {@code nvidia.com/gpu}), a memory-backed {@code /dev/shm},
 *       startup/readiness/liveness probes on {@code /health}, node selector on the instance type;
 *   <li>a {@code HorizontalPodAutoscaler} (autoscaling/v2) on the per-pod queue
 *       {@code vllm:num_requests_waiting} (exposed to the HPA as {@code vllm_num_requests_waiting} by a
 *       Prometheus Adapter rule), min = the planned replicas, target from Little's law: the queue a
 *       replica may hold = its planned rate x half the TTFT (else E2E) objective;
 *   <li>a {@code PrometheusRule} alerting on each objective for 2 minutes (where the seed article
 *       alerted on "latency > 500 ms for 2 m"): the group of {@link SloAlertRules}, the share of
 *       requests above the objective's limit in vLLM's latency histograms, and the error share from
 *       the API server's {@code http_requests_total}.
 * </ol>
 * Every string is double-quoted, so the output is valid YAML whatever the values hold.
 *
 * <pre>{@code
 * Files.writeString(dir.resolve("recommended-tier.yaml"), KubernetesManifests.render(plan));
 * }</pre>
 */
public final class KubernetesManifests {
  static final String IMAGE = "vllm/vllm-openai:v0.12.0";
  private static final double MIB = 1 << 20;

  private KubernetesManifests() {}

  public static String render(PlanResult plan) {
    TierRecommendation r = plan.recommended().orElseThrow(() -> new IllegalStateException("no recommended tier to render"));
    PodResources pod = plan.pod();
    String app = "autoglm-phone-9b";
    StringBuilder y = new StringBuilder();
    y.append("# ").append(plan.basis().line().replace('\n', ' ')).append('\n');
    y.append("# capkit plan: ").append(plan.recommendation().replace('\n', ' ')).append('\n');
    y.append("# generated ").append(plan.generatedAt()).append(" from ").append(String.join(", ", plan.runs())).append('\n');
    for (String line : pod.basis()) {
      y.append("# ").append(line.replace('\n', ' ')).append('\n');
    }
    y.append("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n");
    y.append("  name: ").append(q(app)).append('\n');
    labels(y, "  ", app, r);
    y.append("spec:\n");
    y.append("  replicas: ").append(r.replicas().replicas()).append('\n');
    y.append("  selector:\n    matchLabels:\n      app: ").append(q(app)).append('\n');
    y.append("  template:\n    metadata:\n");
    labels(y, "      ", app, r);
    y.append("      annotations:\n        prometheus.io/scrape: \"true\"\n        prometheus.io/port: \"8000\"\n"
        + "        prometheus.io/path: \"/metrics\"\n");
    y.append("    spec:\n");
    y.append("      nodeSelector:\n        node.kubernetes.io/instance-type: ").append(q("ecs." + r.tierId())).append('\n');
    y.append("      containers:\n        - name: \"vllm\"\n          image: ").append(q(IMAGE)).append('\n');
    y.append("          args:\n");
    String model = switch (r.dtype()) {
      case "int4" -> "<an AWQ int4 checkpoint of zai-org/AutoGLM-Phone-9B>";
      default -> "zai-org/AutoGLM-Phone-9B";
    };
    String[] args = {"--model", model, "--served-model-name", app, "--max-model-len", "25480", "--limit-mm-per-prompt",
        "{\"image\":10}", "--mm-processor-kwargs", "{\"max_pixels\":5000000}", "--port", "8000"};
    for (String a : args) {
      y.append("            - ").append(q(a)).append('\n');
    }
    if (r.dtype().equals("fp8")) {
      y.append("            - \"--quantization\"\n            - \"fp8\"\n");
    }
    y.append("          ports:\n            - name: \"http\"\n              containerPort: 8000\n");
    y.append("          resources:\n            requests:\n");
    y.append("              cpu: ").append(q(millicores(pod.cpuRequest()))).append('\n');
    y.append("              memory: ").append(q(mebibytes(pod.memoryRequest()))).append('\n');
    y.append("              nvidia.com/gpu: ").append(pod.gpus()).append('\n');
    y.append("            limits:\n");
    if (!Double.isNaN(pod.cpuLimit())) {
      y.append("              cpu: ").append(q(millicores(pod.cpuLimit()))).append('\n');
    }
    y.append("              memory: ").append(q(mebibytes(pod.memoryLimit()))).append('\n');
    y.append("              nvidia.com/gpu: ").append(pod.gpus()).append('\n');
    // Loading ~20 GB of weights takes minutes: the startup probe holds liveness off until /health answers.
    y.append("          startupProbe:\n            httpGet:\n              path: \"/health\"\n              port: 8000\n"
        + "            periodSeconds: 10\n            failureThreshold: 60\n");
    y.append("          readinessProbe:\n            httpGet:\n              path: \"/health\"\n              port: 8000\n"
        + "            periodSeconds: 5\n            timeoutSeconds: 2\n            failureThreshold: 3\n");
    y.append("          livenessProbe:\n            httpGet:\n              path: \"/health\"\n              port: 8000\n"
        + "            periodSeconds: 10\n            timeoutSeconds: 5\n            failureThreshold: 6\n");
    y.append("          volumeMounts:\n            - name: \"dshm\"\n              mountPath: \"/dev/shm\"\n");
    y.append("      volumes:\n        - name: \"dshm\"\n          emptyDir:\n            medium: \"Memory\"\n");
    y.append("            sizeLimit: ").append(q(mebibytes(pod.shmBytes()))).append('\n');

    y.append("---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n");
    y.append("  name: ").append(q(app)).append('\n');
    labels(y, "  ", app, r);
    y.append("spec:\n  scaleTargetRef:\n    apiVersion: \"apps/v1\"\n    kind: \"Deployment\"\n    name: ").append(q(app)).append('\n');
    y.append("  minReplicas: ").append(r.replicas().replicas()).append('\n');
    y.append("  maxReplicas: ").append(2 * r.replicas().replicas()).append('\n');
    y.append("  metrics:\n    - type: \"Pods\"\n      pods:\n        metric:\n          name: \"vllm_num_requests_waiting\"\n");
    y.append("        target:\n          type: \"AverageValue\"\n          averageValue: ").append(q(queueTarget(plan, r))).append('\n');
    y.append("  behavior:\n    scaleUp:\n      stabilizationWindowSeconds: 0\n    scaleDown:\n      stabilizationWindowSeconds: 600\n");

    y.append("---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n");
    y.append("  name: ").append(q(app + "-slo")).append('\n');
    labels(y, "  ", app, r);
    y.append("spec:\n  groups:\n");
    y.append(SloAlertRules.group(SloAlertRules.of(plan.slos(), r.tierId(), r.replicas().perReplicaRate()), "    "));
    return y.toString();
  }

  /** Queue per replica the HPA aims at: Little's law, planned rate x half the TTFT (else E2E) objective, at least 1. */
  static String queueTarget(PlanResult plan, TierRecommendation r) {
    SloTarget slo = plan.slos().stream().filter(s -> s.metric().equals("ttft")).findFirst()
        .orElse(plan.slos().stream().filter(s -> s.metric().equals("e2e")).findFirst().orElse(null));
    // Half of the objective is allowed for queueing, the other half for prefill and decode.
    double slackSeconds = slo == null ? 1 : Math.max(0.5, slo.limit() / 1000.0 / 2);
    long target = Math.max(1, Math.round(r.replicas().perReplicaRate() * slackSeconds));
    return Long.toString(target);
  }

  private static void labels(StringBuilder y, String indent, String app, TierRecommendation r) {
    y.append(indent).append("labels:\n");
    y.append(indent).append("  app: ").append(q(app)).append('\n');
    y.append(indent).append("  capkit.dev/tier: ").append(q(r.tierId())).append('\n');
    y.append(indent).append("  capkit.dev/basis: ").append(q(r.basis().key())).append('\n');
  }

  static String millicores(double cores) {
    return Math.max(1, (long) Math.ceil(cores * 1000)) + "m";
  }

  static String mebibytes(double bytes) {
    return (long) Math.ceil(bytes / MIB) + "Mi";
  }

  /** A YAML double-quoted scalar (JSON string escaping is valid YAML). */
  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
