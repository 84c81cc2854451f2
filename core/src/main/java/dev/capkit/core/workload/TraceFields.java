package dev.capkit.core.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capkit.core.scenario.ScenarioException;

/** Checked field reads shared by the workload readers; errors name the file:line and field. */
final class TraceFields {
  private TraceFields() {}

  static long integer(JsonNode node, String name, long min, long max, String source) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      throw new ScenarioException(source, name, "is required");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new ScenarioException(source, name, "expected an integer, found " + v);
    }
    return range(v.asLong(), name, min, max, source);
  }

  static long range(long value, String name, long min, long max, String source) {
    if (value < min || value > max) {
      throw new ScenarioException(source, name, "must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  static String text(JsonNode node, String name, String source) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      throw new ScenarioException(source, name, "is required");
    }
    if (!v.isTextual()) {
      throw new ScenarioException(source, name, "expected a string, found " + v);
    }
    return v.asText();
  }
}
