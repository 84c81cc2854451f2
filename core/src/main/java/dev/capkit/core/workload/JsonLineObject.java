package dev.capkit.core.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.scenario.ScenarioException;
import java.util.Iterator;
import java.util.List;

/**
 * One line of a JSON-lines workload file as a JSON object with only known fields; the readers of
 * {@code mooncake-v1} and {@code capkit-sessions-v1} share it so both refuse bad lines in one wording:
 * {@code not valid JSON: ...}, {@code expected a JSON object per line}, {@code unknown field (FORMAT has a, b)}.
 */
final class JsonLineObject {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLineObject() {}

  /** The line's object; {@code fields} in the order the error message lists them. */
  static JsonNode read(String line, String source, String format, List<String> fields) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(source, "", "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ScenarioException(source, "", "expected a JSON object per line");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new ScenarioException(source, name, "unknown field (" + format + " has " + String.join(", ", fields) + ")");
      }
    }
    return node;
  }
}
