package dev.capkit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Fuzz input for a JSON file format: one hostile change to a valid document (jqwik generates the
 * change, the test applies it to its golden file). Kinds: 0 a value replaced by a hostile one (wrong
 * type, out-of-range or huge number, a path-like or control-character string, deep nesting, an empty
 * container), 1 a field or element removed, 2 bytes overwritten, 3 the file cut. (Test support in the testkit
 * module, shared by the fuzz tests of every module with a file reader.)
 */
public record HostileJson(int kind, double where, int pick, int length, byte fill) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  public static Arbitrary<HostileJson> changes() {
    return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.doubles().between(0, 1),
        Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(1, 64), Arbitraries.bytes()).as(HostileJson::new);
  }

  /** The valid document with this change. */
  public byte[] applyTo(byte[] valid) throws IOException {
    return switch (kind) {
      case 0, 1 -> structural(valid);
      case 2 -> overwrite(valid);
      default -> java.util.Arrays.copyOf(valid, (int) Math.floor(where * valid.length));
    };
  }

  private byte[] structural(byte[] valid) throws IOException {
    JsonNode root = JSON.readTree(valid);
    List<Object[]> places = new ArrayList<>(); // {container, field name or index}
    collect(root, places);
    if (places.isEmpty()) {
      return valid;
    }
    Object[] p = places.get((int) Math.min(places.size() - 1, Math.floor(where * places.size())));
    if (p[0] instanceof ObjectNode o) {
      if (kind == 0) {
        o.set((String) p[1], hostile());
      } else {
        o.remove((String) p[1]);
      }
    } else {
      ArrayNode a = (ArrayNode) p[0];
      if (kind == 0) {
        a.set((Integer) p[1], hostile());
      } else {
        a.remove((Integer) p[1]);
      }
    }
    return JSON.writeValueAsBytes(root);
  }

  private static void collect(JsonNode node, List<Object[]> places) {
    if (node instanceof ObjectNode o) {
      o.fieldNames().forEachRemaining(name -> {
        places.add(new Object[] {o, name});
        collect(o.get(name), places);
      });
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        places.add(new Object[] {a, i});
        collect(a.get(i), places);
      }
    }
  }

  private JsonNode hostile() {
    return switch (pick % 16) {
      case 0 -> F.textNode("../../../etc/passwd");
      case 1 -> F.textNode("a/b\\c");
      case 2 -> F.textNode("");
      case 3 -> F.textNode("\u0000\n\r\"\u202e");
      case 4 -> F.textNode("x".repeat(100_000));
      case 5 -> F.numberNode(-1);
      case 6 -> F.numberNode(0);
      case 7 -> F.numberNode(Long.MAX_VALUE);
      case 8 -> F.numberNode(1e308);
      case 9 -> F.numberNode(-0.5);
      case 10 -> F.nullNode();
      case 11 -> F.booleanNode(true);
      case 12 -> F.arrayNode();
      case 13 -> F.objectNode();
      case 14 -> nested(length * 15);
      default -> F.textNode("NaN");
    };
  }

  private static JsonNode nested(int depth) {
    JsonNode n = F.arrayNode();
    for (int i = 0; i < depth; i++) {
      n = F.arrayNode().add(n);
    }
    return n;
  }

  private byte[] overwrite(byte[] b) {
    byte[] out = b.clone();
    int at = (int) Math.min(b.length - 1, Math.floor(where * b.length));
    for (int i = at; i < Math.min(b.length, at + length); i++) {
      out[i] = (byte) (fill + i);
    }
    return out;
  }
}
