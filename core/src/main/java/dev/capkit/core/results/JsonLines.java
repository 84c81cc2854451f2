package dev.capkit.core.results;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a JSON document starts, by JSON pointer ({@code /steps/0/ok}), so a reader
 * that finds a wrong value in a parsed tree can still say on which line it is. Built only when a
 * problem is reported.
 */
final class JsonLines {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final Map<String, Integer> lines = new HashMap<>();

  private JsonLines(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.FIELD_NAME && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
          lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.getTokenLocation().getLineNr());
        }
      }
    } catch (IOException e) {
      // only called on documents that parsed; a failure leaves the lines found so far
    }
  }

  static JsonLines of(byte[] json) {
    return new JsonLines(json);
  }

  /** The line of the value at {@code pointer}, or of its nearest enclosing value; 0 when unknown. */
  int lineOf(String pointer) {
    String p = pointer;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      int slash = p.lastIndexOf('/');
      if (slash < 0) {
        return 0;
      }
      p = p.substring(0, slash);
    }
  }
}
