package dev.capkit.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code plan.json} (plan format v1 to v3, written by the planner's {@code PlanJson}) read as a tree, so
 * the page shows exactly the numbers the file holds. Undefined figures are {@code null} there and
 * NaN here; open confidence bounds are the strings {@code "+inf"}/{@code "-inf"}. The Kubernetes
 * YAML is the planner's {@code recommended-tier.yaml} next to plan.json, when present. A v1 file
 * predates the basis fields: its rows say {@code measured} for runs against the emulator too, so the
 * page says the plan's basis is not recorded ({@link #basisLine()}).
 *
 * @param yamlFile null when no YAML was written (nothing recommended)
 */
record PlanDocument(Path file, JsonNode root, Path yamlFile, String yaml) {
  static final int FORMAT_VERSION = 3;
  static final int OLDEST_FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  static PlanDocument read(Path file) throws ReportException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ReportException(file + ": no such plan file (--plan)");
    } catch (IOException e) {
      throw new ReportException(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    JsonNode version = root == null ? null : root.get("capkitPlan");
    if (version == null || !version.canConvertToInt()) {
      throw new ReportException(file + ": field 'capkitPlan' missing: not a capkit plan file");
    }
    if (version.asInt() < OLDEST_FORMAT_VERSION || version.asInt() > FORMAT_VERSION) {
      throw new ReportException(file + ": field 'capkitPlan' is " + version.asInt() + "; this capkit reads plan formats "
          + OLDEST_FORMAT_VERSION + " to " + FORMAT_VERSION);
    }
    if (!root.path("tiers").isArray()) {
      throw new ReportException(file + ": field 'tiers': expected an array, found " + root.path("tiers").getNodeType());
    }
    Path yamlFile = file.resolveSibling("recommended-tier.yaml");
    String yaml = null;
    try {
      if (Files.exists(yamlFile)) {
        yaml = Files.readString(yamlFile);
      } else {
        yamlFile = null;
      }
    } catch (IOException e) {
      throw new ReportException(yamlFile + ": unreadable: " + e.getMessage(), e);
    }
    PlanDocument plan = new PlanDocument(file, root, yamlFile, yaml);
    plan.validateNumbers();
    return plan;
  }

  List<JsonNode> tiers() {
    List<JsonNode> out = new ArrayList<>();
    root.path("tiers").forEach(out::add);
    return out;
  }

  /** The first tier row for a tier id (the planner lists ranked rows first), or null. */
  JsonNode tier(String tierId) {
    for (JsonNode t : root.path("tiers")) {
      if (tierId != null && tierId.equals(t.path("tier").asText(null))) {
        return t;
      }
    }
    return null;
  }

  /** The sentence saying what the plan rests on (v2 {@code basisLine}); for a v1 file, that it was not recorded. */
  String basisLine() {
    return text(root, "basisLine", "Plan format v1: the plan's basis is not recorded; its rows marked measured may come from runs"
        + " against capkit's emulator (re-plan with this capkit to know)");
  }

  /** Where the container's CPU/memory come from: v2 {@code pod.cpuMemoryBasis}; v1 only knew whether samples were used. */
  String cpuMemoryBasis() {
    JsonNode pod = root.path("pod");
    if (pod.has("cpuMemoryBasis")) {
      return pod.path("cpuMemoryBasis").asText();
    }
    return pod.path("measured").asBoolean() ? "samples (plan v1: measured or modelled, not recorded)" : "node";
  }

  String currency() {
    return text(root.path("inputs").path("prices"), "currency", "currency not stated");
  }

  /**
   * A number field: NaN when null or absent, infinities for "+inf"/"-inf". Anything else is not
   * a plan v1 value; {@link #validateNumbers()} rejects it before the page is built.
   */
  static double number(JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return Double.NaN;
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    return switch (n.asText()) {
      case "+inf", "Infinity" -> Double.POSITIVE_INFINITY;
      case "-inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.NaN;
    };
  }

  static String text(JsonNode parent, String field, String absent) {
    JsonNode n = parent.get(field);
    return n == null || n.isNull() ? absent : n.asText();
  }

  /** The number fields the page shows must be numbers, null or an infinity string; errors name the field and value. */
  private void validateNumbers() throws ReportException {
    String[][] fields = {
        {"", "vramGib"}, {"sustainable", "qpsPerReplica"}, {"sustainable", "ciLow"}, {"sustainable", "ciHigh"},
        {"knee", "rate"}, {"knee", "latencyMs"}, {"replicas", "nPlusOne"}, {"replicas", "pricePerHour"}, {"replicas", "costPerHour"},
        {"replicas", "costPer1000Requests"}, {"vram", "weightsGib"}, {"vram", "nonKvGib"}, {"vram", "kvRoomGib"}, {"vram", "kvNeededGib"}};
    int i = 0;
    for (JsonNode t : root.path("tiers")) {
      for (String[] f : fields) {
        JsonNode parent = f[0].isEmpty() ? t : t.path(f[0]);
        JsonNode n = parent.get(f[1]);
        boolean ok = n == null || n.isNull() || n.isNumber() || (n.isTextual() && n.asText().matches("[+-]inf"));
        if (!ok) {
          String path = "tiers[" + i + "]." + (f[0].isEmpty() ? "" : f[0] + ".") + f[1];
          throw new ReportException(file + ": field '" + path + "': expected a number, null or \"+inf\"/\"-inf\", found " + n);
        }
      }
      i++;
    }
  }
}
