package dev.capkit.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the fields of one JSON object with validation, remembering which fields were read so that
 * {@link #rejectUnknown()} can name any field nobody asked for. Every error names the source file,
 * the dotted field path and the value.
 */
final class JsonFields {
  private final String source;
  private final String path;
  private final ObjectNode node;
  private final Set<String> known = new LinkedHashSet<>();

  JsonFields(String source, String path, JsonNode node) {
    this.source = source;
    this.path = path;
    if (node == null || !node.isObject()) {
      throw new ScenarioException(source, path, "expected a JSON object, found " + describe(node));
    }
    this.node = (ObjectNode) node;
  }

  String source() {
    return source;
  }

  String field(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  ScenarioException error(String name, String message) {
    return new ScenarioException(source, field(name), message);
  }

  boolean has(String name) {
    known.add(name);
    return node.hasNonNull(name);
  }

  JsonNode raw(String name) {
    known.add(name);
    return node.get(name);
  }

  String string(String name, String fallback) {
    JsonNode v = raw(name);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw error(name, "is required");
      }
      return fallback;
    }
    if (!v.isTextual()) {
      throw error(name, "expected a string, found " + describe(v));
    }
    return v.asText();
  }

  double number(String name, Double fallback, double min, double max) {
    JsonNode v = raw(name);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw error(name, "is required");
      }
      return fallback;
    }
    if (!v.isNumber()) {
      throw error(name, "expected a number, found " + describe(v));
    }
    return checkRange(name, v.asDouble(), min, max);
  }

  double checkRange(String name, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw error(name, "value " + trim(value) + " is out of range [" + trim(min) + ", " + trim(max) + "]");
    }
    return value;
  }

  int integer(String name, Integer fallback, int min, int max) {
    double d = number(name, fallback == null ? null : fallback.doubleValue(), min, max);
    if (d != Math.rint(d)) {
      throw error(name, "expected a whole number, found " + trim(d));
    }
    return (int) d;
  }

  boolean bool(String name, boolean fallback) {
    JsonNode v = raw(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw error(name, "expected true or false, found " + describe(v));
    }
    return v.asBoolean();
  }

  Duration duration(String name, String fallback) {
    String text = string(name, fallback);
    try {
      Duration d = Durations.parse(text);
      if (d.isNegative()) {
        throw error(name, "value '" + text + "' is negative");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw error(name, e.getMessage());
    }
  }

  JsonFields object(String name) {
    JsonNode v = raw(name);
    return new JsonFields(source, field(name), v);
  }

  <T> List<T> list(String name, Function<Element, T> reader) {
    JsonNode v = raw(name);
    if (v == null || v.isNull()) {
      throw error(name, "is required");
    }
    if (!v.isArray()) {
      throw error(name, "expected a list, found " + describe(v));
    }
    if (v.isEmpty()) {
      throw error(name, "must not be empty");
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(reader.apply(new Element(source, field(name) + "[" + i + "]", v.get(i))));
    }
    return out;
  }

  /** The object's field names in file order (for objects whose keys are data, like {@code slo}). */
  Iterator<String> fieldNames() {
    return node.fieldNames();
  }

  /** Throws naming the first field that was never read, with the fields that are known here. */
  void rejectUnknown() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        throw error(n, "unknown field (known here: " + String.join(", ", known) + ")");
      }
    }
  }

  static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "nothing";
    }
    String text = v.toString();
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
        + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
  }

  static String trim(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /** One element of a JSON list, with its path for error messages. */
  record Element(String source, String path, JsonNode node) {
    ScenarioException error(String message) {
      return new ScenarioException(source, path, message);
    }

    JsonFields fields() {
      return new JsonFields(source, path, node);
    }
  }
}
