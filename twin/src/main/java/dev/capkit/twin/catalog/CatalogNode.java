package dev.capkit.twin.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON object of a catalog file together with where it sits ({@code gpus.json: gpus[2]}), so
 * every error names file, field and value. Numbers may be written bare ({@code 0.9}) or sourced
 * ({@code {"value": 0.9, "source": "vLLM default"}}); a sourced {@code null} value means "unknown".
 */
record CatalogNode(String file, String path, JsonNode node) {

  CatalogNode child(String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw error(field, "expected an object", value);
    }
    return new CatalogNode(file, join(field), value);
  }

  List<CatalogNode> array(String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw error(field, "expected an array", value);
    }
    List<CatalogNode> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      items.add(new CatalogNode(file, join(field) + "[" + i + "]", value.get(i)));
    }
    return items;
  }

  String text(String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw error(field, "expected a non-empty string", value);
    }
    return value.asText();
  }

  boolean bool(String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isBoolean()) {
      throw error(field, "expected true or false", value);
    }
    return value.asBoolean();
  }

  /** A required positive number. */
  double positive(String field) {
    double v = number(field);
    if (!(v > 0)) {
      throw error(field, "expected a number > 0", node.get(field));
    }
    return v;
  }

  /** A required number >= 0. */
  double nonNegative(String field) {
    double v = number(field);
    if (!(v >= 0)) {
      throw error(field, "expected a number >= 0", node.get(field));
    }
    return v;
  }

  /** A required whole number > 0. */
  int positiveInt(String field) {
    double v = positive(field);
    if (v != Math.rint(v) || v > Integer.MAX_VALUE) {
      throw error(field, "expected a whole number", node.get(field));
    }
    return (int) v;
  }

  long positiveLong(String field) {
    double v = positive(field);
    if (v != Math.rint(v)) {
      throw error(field, "expected a whole number", node.get(field));
    }
    return (long) v;
  }

  /** A number that may be {@code null} (unknown): returns NaN then. */
  double optional(String field) {
    JsonNode value = unwrap(field, node.get(field));
    if (value == null || value.isNull()) {
      return Double.NaN;
    }
    return number(field);
  }

  double number(String field) {
    JsonNode value = unwrap(field, node.get(field));
    if (value == null || !value.isNumber()) {
      throw error(field, "expected a number or {\"value\": number, \"source\": \"...\"}", node.get(field));
    }
    return value.asDouble();
  }

  private JsonNode unwrap(String field, JsonNode value) {
    if (value != null && value.isObject()) {
      if (!value.has("value")) {
        throw error(field, "a sourced number needs a \"value\"", value);
      }
      return value.get("value");
    }
    return value;
  }

  CatalogException error(String field, String expectation, JsonNode value) {
    String shown = value == null ? "nothing (field missing)" : value.toString();
    if (shown.length() > 120) {
      shown = shown.substring(0, 117) + "...";
    }
    return new CatalogException(file + ": " + join(field) + ": " + expectation + ", got " + shown);
  }

  private String join(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
