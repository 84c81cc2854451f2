package dev.capkit.reports;

import com.fasterxml.jackson.databind.JsonNode;

/** The recommended tier's container requests and limits (plan.json {@code pod}) with their basis, and the generated Kubernetes YAML. */
final class ContainerResources {
  private ContainerResources() {}

  static String html(PlanDocument plan) {
    JsonNode pod = plan.root().path("pod");
    StringBuilder b = new StringBuilder();
    if (pod.isMissingNode() || pod.isNull()) {
      b.append("<p class=\"missing\">plan.json has no pod (nothing recommended): no container requests or limits.</p>");
    } else {
      b.append("<table class=\"pod\"><caption>Serving container (plan.json pod; ")
          .append(switch (plan.cpuMemoryBasis()) {
            case "measured" -> "CPU and memory measured";
            case "modelled" -> "CPU and memory MODELLED: samples of capkit's emulator, not measured";
            case "node" -> "CPU and memory NOT measured: sized to the node";
            default -> "CPU and memory from " + plan.cpuMemoryBasis();
          })
          .append(")</caption><thead><tr>").append(Html.th("resource")).append(Html.th("request")).append(Html.th("limit"))
          .append(Html.th("unit")).append("</tr></thead><tbody>");
      b.append("<tr><td>cpu</td>").append(Html.num(PlanDocument.number(pod, "cpuRequestCores"), "pod.cpuRequestCores"))
          .append(Html.num(PlanDocument.number(pod, "cpuLimitCores"), "pod.cpuLimitCores")).append("<td>cores (n/a = no limit)</td></tr>");
      b.append("<tr><td>memory</td>").append(Html.num(PlanDocument.number(pod, "memoryRequestGib"), "pod.memoryRequestGib"))
          .append(Html.num(PlanDocument.number(pod, "memoryLimitGib"), "pod.memoryLimitGib")).append("<td>GiB</td></tr>");
      b.append("<tr><td>nvidia.com/gpu</td>").append(Html.num(PlanDocument.number(pod, "nvidiaGpu"), "pod.nvidiaGpu"))
          .append(Html.num(PlanDocument.number(pod, "nvidiaGpu"), "pod.nvidiaGpu")).append("<td>GPUs</td></tr>");
      b.append("<tr><td>/dev/shm (memory-backed)</td>").append(Html.num(PlanDocument.number(pod, "shmGib"), "pod.shmGib"))
          .append("<td>—</td><td>GiB</td></tr>");
      b.append("</tbody></table><ul class=\"basis\">");
      for (JsonNode line : pod.path("basis")) {
        b.append("<li>").append(Html.esc(line.asText())).append("</li>");
      }
      b.append("</ul>");
    }
    if (plan.yaml() == null) {
      b.append("<p class=\"missing\">No recommended-tier.yaml next to ").append(Html.esc(plan.file().toString()))
          .append(": the planner writes it only when a tier is recommended.</p>");
    } else {
      b.append("<details open><summary>Kubernetes YAML (").append(Html.esc(plan.yamlFile().toString())).append(")</summary><pre class=\"yaml\">")
          .append(Html.esc(plan.yaml())).append("</pre></details>");
    }
    return b.toString();
  }
}
