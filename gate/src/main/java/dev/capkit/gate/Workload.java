package dev.capkit.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capkit.core.results.ScenarioInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a run asked of its target beyond the scenario's name, load model and mix weights
 * ({@link ScenarioIdentity}): the objectives (goodput depends on them), the request shapes of each
 * kind (prompt-length distribution, output cap, screenshot size, streaming, history), the load shape
 * (arrivals, think time, steps per task, client timeouts; the steps' rates and networks are in their
 * ids, which the gate matches one by one, and durations only change sample sizes), the emulator's profile and fault settings,
 * and the target's engine and model. Kept flat, one dotted field per value, so a refusal names the
 * field: {@code requests.chat.promptTokens.median}, {@code objectives.e2e.p99}, {@code emulator.slowdown}.
 * The tier is not part of it (a canary on another tier is compared on purpose; the gate notes it),
 * nor the target URL or the emulator's description.
 *
 * <pre>{@code
 * Workload w = Workload.of(runInfo, targetJson);
 * List<String> diffs = baseline.workload().differences(w);   // empty when like is compared with like
 * }</pre>
 *
 * @param fields dotted field to value, sorted; empty for a baseline written in format v1 (not recorded)
 */
public record Workload(Map<String, String> fields) {
  /** Target fields compared when present (run.json's {@code target}; engine fields as the endpoints record them). */
  static final List<String> TARGET_FIELDS = List.of("model", "kind", "engine", "engineVersion", "servedModel");
  /** Emulator settings compared: its profile and fault settings (not its tier, not its description). */
  static final Set<String> EMULATOR_FIELDS = Set.of("profile", "dtype", "slowdown", "brokenStreams");

  public Workload {
    fields = java.util.Collections.unmodifiableMap(new TreeMap<>(fields));
  }

  /** No workload recorded (a format v1 baseline). */
  public static Workload unrecorded() {
    return new Workload(Map.of());
  }

  public boolean recorded() {
    return !fields.isEmpty();
  }

  /**
   * From run.json: the effective scenario and the {@code target} object as stored (read as JSON so
   * fields added to it later, such as the engine, are compared without a change here).
   */
  public static Workload of(ScenarioInfo s, JsonNode target) {
    Map<String, String> f = new TreeMap<>();
    if (s.slo() != null) {
      s.slo().forEach((k, v) -> f.put("objectives." + k, v));
    }
    f.put("objectives.maxErrorRate", num(s.maxErrorRate()));
    f.put("load.arrivals", String.valueOf(s.arrivals()));
    f.put("load.thinkTime", String.valueOf(s.thinkTime()));
    f.put("load.stepsPerTask", Integer.toString(s.stepsPerTask()));
    if (s.timeouts() != null) {
      s.timeouts().forEach((k, v) -> f.put("load.timeouts." + k, v));
    }
    if (s.mix() != null) {
      for (Map<String, Object> m : s.mix()) {
        String kind = String.valueOf(m.get("kind"));
        m.forEach((k, v) -> {
          if (!k.equals("kind") && !k.equals("weight")) {
            flatten("requests." + kind + "." + k, v, f);
          }
        });
      }
    }
    if (target != null && !target.isMissingNode() && !target.isNull()) {
      for (String t : TARGET_FIELDS) {
        JsonNode v = target.get(t);
        if (v != null && !v.isNull()) {
          f.put("target." + t, v.asText());
        }
      }
      JsonNode emu = target.path("emulator");
      emu.fields().forEachRemaining(e -> {
        if (EMULATOR_FIELDS.contains(e.getKey())) {
          f.put("emulator." + e.getKey(), e.getValue().asText());
        }
      });
    }
    return new Workload(f);
  }

  /**
   * Fields whose values differ (or are present on one side only), one sentence each naming the
   * field and both values; empty when either side is unrecorded.
   */
  public List<String> differences(Workload current) {
    List<String> out = new ArrayList<>();
    if (!recorded() || !current.recorded()) {
      return out;
    }
    java.util.SortedSet<String> keys = new java.util.TreeSet<>(fields.keySet());
    keys.addAll(current.fields.keySet());
    for (String k : keys) {
      String b = fields.get(k);
      String c = current.fields.get(k);
      if (!java.util.Objects.equals(b, c)) {
        out.add(k + ": baseline " + (b == null ? "(absent)" : "'" + b + "'") + ", current " + (c == null ? "(absent)" : "'" + c + "'"));
      }
    }
    return out;
  }

  private static void flatten(String prefix, Object v, Map<String, String> out) {
    if (v instanceof Map<?, ?> m) {
      m.forEach((k, x) -> flatten(prefix + "." + k, x, out));
    } else if (v instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        flatten(prefix + "[" + i + "]", l.get(i), out);
      }
    } else {
      out.put(prefix, v instanceof Number n ? num(n.doubleValue()) : String.valueOf(v));
    }
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
