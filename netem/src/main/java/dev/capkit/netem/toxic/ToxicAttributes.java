package dev.capkit.netem.toxic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, validated reads of a toxic's {@code attributes} object. A missing attribute takes its default,
 * as in toxiproxy (where a missing field is Go's zero value); a present one must have the right type and
 * range, and an unknown one is refused so a typo never silently means "no fault".
 */
public final class ToxicAttributes {
  private final ObjectNode node;

  private ToxicAttributes(ObjectNode node) {
    this.node = node;
  }

  /** Wraps {@code attributes}; null or JSON null means "all defaults". */
  public static ToxicAttributes of(JsonNode attributes) {
    if (attributes == null || attributes.isNull() || attributes.isMissingNode()) {
      return new ToxicAttributes(JsonNodeFactory.instance.objectNode());
    }
    if (!attributes.isObject()) {
      throw new ToxicSettingException("attributes", "expected an object, found " + describe(attributes));
    }
    return new ToxicAttributes((ObjectNode) attributes);
  }

  /** Refuses attributes other than {@code known}. */
  public ToxicAttributes only(String type, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new ToxicSettingException("attributes." + name,
            "unknown attribute for a " + type + " toxic (known: " + String.join(", ", known) + ")");
      }
    }
    return this;
  }

  /** A whole number in [min, max]; floats with no fraction are accepted (JSON clients send 20.0). */
  public long integer(String name, long dflt, long min, long max) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber() || (v.isFloatingPointNumber() && v.asDouble() != Math.rint(v.asDouble()))) {
      throw new ToxicSettingException("attributes." + name, "expected a whole number in [" + min + ", " + max + "], found " + describe(v));
    }
    long x = v.asLong();
    if (x < min || x > max) {
      throw new ToxicSettingException("attributes." + name, "expected a whole number in [" + min + ", " + max + "], found " + describe(v));
    }
    return x;
  }

  /** A number in [min, max]. */
  public double number(String name, double dflt, double min, double max) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || Double.isNaN(v.asDouble())) {
      throw new ToxicSettingException("attributes." + name, "expected a number in [" + min + ", " + max + "], found " + describe(v));
    }
    return v.asDouble();
  }

  /** One of {@code choices} (case-insensitive), returned in lower case. */
  public String choice(String name, String dflt, Set<String> choices) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    String s = v.isTextual() ? v.asText().toLowerCase(Locale.ROOT) : null;
    if (s == null || !choices.contains(s)) {
      throw new ToxicSettingException("attributes." + name, "expected one of " + choices + ", found " + describe(v));
    }
    return s;
  }

  static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "string '" + v.asText() + "'";
    }
    if (v.isNumber()) {
      return "number " + v.asText();
    }
    return v.getNodeType().name().toLowerCase(Locale.ROOT) + " " + v;
  }
}
