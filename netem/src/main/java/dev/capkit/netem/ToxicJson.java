package dev.capkit.netem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.netem.toxic.ToxicSettingException;
import dev.capkit.netem.toxic.ToxicTypes;
import java.util.Map;

/** Reads and writes {@link ToxicSpec} in toxiproxy's JSON shape; the one place that shape is known. */
final class ToxicJson {
  private ToxicJson() {}

  /**
   * Parses a toxic object with toxiproxy's defaults: stream {@code downstream}, toxicity 1, name
   * {@code <type>_<stream>}. Problems name the field, e.g. {@code field 'attributes.latency': ...}.
   */
  static ToxicSpec read(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new ToxicSettingException("(toxic)", "expected an object, found " + node);
    }
    String type = text(node, "type");
    String streamText = node.hasNonNull("stream") ? text(node, "stream") : "downstream";
    Direction stream = Direction.parse(streamText);
    if (stream == null) {
      throw new ToxicSettingException("stream", "expected 'upstream' or 'downstream', found '" + streamText + "'");
    }
    double toxicity = 1.0;
    if (node.hasNonNull("toxicity")) {
      JsonNode t = node.get("toxicity");
      if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 1) {
        throw new ToxicSettingException("toxicity", "expected a number in [0, 1], found " + t);
      }
      toxicity = t.asDouble();
    }
    var toxic = ToxicTypes.parse(type, node.get("attributes"));
    String name = node.hasNonNull("name") && !text(node, "name").isEmpty() ? text(node, "name") : ToxicSpec.defaultName(type, stream);
    return new ToxicSpec(name, stream, toxicity, toxic);
  }

  /**
   * Applies a toxiproxy update body to {@code current}: attributes given replace those values, others
   * keep theirs; toxicity replaces when given. Name, type and stream do not change.
   */
  static ToxicSpec update(ToxicSpec current, JsonNode body, ObjectMapper mapper) {
    if (body == null || !body.isObject()) {
      throw new ToxicSettingException("(toxic)", "expected an object, found " + body);
    }
    ObjectNode merged = write(current, mapper);
    if (body.has("attributes") && body.get("attributes").isObject()) {
      ((ObjectNode) merged.get("attributes")).setAll((ObjectNode) body.get("attributes"));
    } else if (body.has("attributes") && !body.get("attributes").isNull()) {
      throw new ToxicSettingException("attributes", "expected an object, found " + body.get("attributes"));
    }
    if (body.has("toxicity")) {
      merged.set("toxicity", body.get("toxicity"));
    }
    return read(merged);
  }

  static ObjectNode write(ToxicSpec spec, ObjectMapper mapper) {
    ObjectNode n = mapper.createObjectNode();
    ObjectNode attrs = n.putObject("attributes");
    for (Map.Entry<String, Object> e : spec.toxic().attributes().entrySet()) {
      attrs.set(e.getKey(), mapper.valueToTree(e.getValue()));
    }
    n.put("name", spec.name());
    n.put("type", spec.type());
    n.put("stream", spec.stream().key());
    n.put("toxicity", spec.toxicity());
    return n;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new ToxicSettingException(field, "missing");
    }
    if (!v.isTextual()) {
      throw new ToxicSettingException(field, "expected a string, found " + v);
    }
    return v.asText();
  }
}
