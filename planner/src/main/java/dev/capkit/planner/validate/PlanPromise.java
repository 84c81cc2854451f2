package dev.capkit.planner.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.planner.PlanException;
import dev.capkit.planner.SloTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a plan promised for one tier, read from its {@code plan.json} (plan format v1 or v2, see
 * {@link dev.capkit.planner.output.PlanJson}): the scenario, the objectives, and for the chosen row
 * the per-replica rate the plan runs each replica at ({@code tiers[].replicas.perReplicaQps}: the
 * sustainable rate less the headroom, the most any replica is planned to carry) and the sustainable
 * rate it rests on. The row is the one named, else the recommended one (rank 1), else the
 * only row built from a run.
 *
 * <pre>{@code
 * PlanPromise p = PlanPromise.read(Path.of("plan/plan.json"), null);
 * p.perReplicaQps();  // sustainable x (1 - headroom): at this rate one replica should meet every objective
 * }</pre>
 *
 * @param file             the plan.json read
 * @param scenario         {@code inputs.scenario}
 * @param objectives       {@code inputs.slos}
 * @param tier             the row's tier
 * @param dtype            the row's dtype
 * @param rowBasis         the row's basis ({@code measured|emulated|predicted})
 * @param perReplicaQps    the row's {@code replicas.perReplicaQps}
 * @param sustainableQps   the row's {@code sustainable.qpsPerReplica}, or its {@code atLeast} when the
 *                         ladder never crossed an objective (NaN when neither)
 * @param sustainableLowerBound true when {@code sustainableQps} is only a lower bound
 * @param targetQps        {@code inputs.targetQps}
 * @param headroom         {@code inputs.headroom}
 */
public record PlanPromise(Path file, String scenario, List<SloTarget> objectives, String tier, String dtype, String rowBasis,
    double perReplicaQps, double sustainableQps, boolean sustainableLowerBound, double targetQps, double headroom) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads {@code file}; {@code tier} null picks the recommended row, else the only run-based row. */
  public static PlanPromise read(Path file, String tier) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new PlanException(file + ": cannot read plan.json: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new PlanException(file + ": not a plan.json (expected a JSON object)");
    }
    int version = root.path("capkitPlan").asInt(-1);
    if (version < 1 || version > 3) {
      throw new PlanException(file + ": field 'capkitPlan': expected plan format 1, 2 or 3, got " + root.get("capkitPlan"));
    }
    JsonNode inputs = root.path("inputs");
    String scenario = text(file, inputs, "inputs.scenario");
    List<SloTarget> objectives = new ArrayList<>();
    JsonNode slos = inputs.path("slos");
    if (!slos.isArray() || slos.isEmpty()) {
      throw new PlanException(file + ": field 'inputs.slos': expected a non-empty array, got " + slos);
    }
    for (int i = 0; i < slos.size(); i++) {
      String key = text(file, slos.get(i), "inputs.slos[" + i + "].key");
      String limit = text(file, slos.get(i), "inputs.slos[" + i + "].limit");
      try {
        objectives.add(SloTarget.parse(key + "=" + limit));
      } catch (RuntimeException e) { // PlanException or a number format problem
        throw new PlanException(file + ": field 'inputs.slos[" + i + "]': " + e.getMessage(), e);
      }
    }
    JsonNode row = row(file, root.path("tiers"), tier);
    JsonNode replicas = row.path("replicas");
    double perReplica = number(replicas.get("perReplicaQps"));
    if (!(perReplica > 0)) {
      throw new PlanException(file + ": field 'tiers[tier=" + row.path("tier").asText() + "].replicas.perReplicaQps' is "
          + replicas.get("perReplicaQps") + ": the plan gives this tier no per-replica rate to validate ("
          + replicas.path("undefinedReason").asText("no reason given") + ")");
    }
    JsonNode sustainable = row.path("sustainable");
    double rate = number(sustainable.get("qpsPerReplica"));
    double atLeast = number(sustainable.get("atLeast"));
    boolean lowerBound = Double.isNaN(rate) && !Double.isNaN(atLeast);
    return new PlanPromise(file, scenario, List.copyOf(objectives), row.path("tier").asText(), row.path("dtype").asText(),
        row.path("basis").asText(version == 1 ? "measured" : "unknown"), perReplica, lowerBound ? atLeast : rate, lowerBound,
        number(inputs.get("targetQps")), number(inputs.get("headroom")));
  }

  private static JsonNode row(Path file, JsonNode tiers, String tier) {
    if (!tiers.isArray() || tiers.isEmpty()) {
      throw new PlanException(file + ": field 'tiers': expected a non-empty array, got " + tiers);
    }
    List<String> known = new ArrayList<>();
    List<JsonNode> fromRuns = new ArrayList<>();
    for (JsonNode t : tiers) {
      String id = t.path("tier").asText();
      known.add(id + " " + t.path("dtype").asText() + " (" + t.path("basis").asText("measured") + ")");
      if (tier != null && tier.equals(id)) {
        return t;
      }
      if (tier == null && t.path("rank").asInt(0) == 1) {
        return t;
      }
      if (!"predicted".equals(t.path("basis").asText())) {
        fromRuns.add(t);
      }
    }
    if (tier != null) {
      throw new PlanException(file + ": --tier '" + tier + "': no such row in 'tiers' (rows: " + String.join(", ", known) + ")");
    }
    if (fromRuns.size() == 1) {
      return fromRuns.get(0);
    }
    throw new PlanException(file + ": field 'tiers': no recommended row (rank 1) and " + fromRuns.size()
        + " rows from runs; name the row to validate with --tier (rows: " + String.join(", ", known) + ")");
  }

  private static String text(Path file, JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field.substring(field.lastIndexOf('.') + 1));
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new PlanException(file + ": field '" + field + "': expected a non-empty string, got " + (v == null ? "nothing" : v));
    }
    return v.asText();
  }

  private static double number(JsonNode v) {
    return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
  }
}
