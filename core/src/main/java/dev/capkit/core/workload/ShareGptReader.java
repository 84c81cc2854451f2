package dev.capkit.core.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.scenario.ScenarioException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads recorded chats, format {@code sharegpt-v1}: ShareGPT-style conversations as JSON Lines.
 *
 * <p>UTF-8, one conversation per line, blank lines skipped. Each line is an object with
 * {@code conversations} (array, required, not empty) of objects {@code {"from": ..., "value": ...}}:
 * {@code from} is {@code human}, {@code gpt} or {@code system} (mapped to the OpenAI roles
 * {@code user}, {@code assistant}, {@code system}); {@code value} is the turn's text (string). A
 * {@code system} turn may only come first; after it the turns alternate starting with
 * {@code human}. An optional {@code id} (string) names the conversation; other top-level fields
 * (ShareGPT dumps carry several) are ignored, but a turn with fields other than {@code from},
 * {@code value} is an error. Every error is a {@link ScenarioException} naming {@code file:line} and
 * the field, e.g. {@code conversations[2].from}.
 *
 * <pre>{@code
 * {"id": "c1", "conversations": [{"from": "human", "value": "What is KV cache?"}, {"from": "gpt", "value": "..."}]}
 * }</pre>
 */
public final class ShareGptReader {
  /** The format name and version this reader implements. */
  public static final String FORMAT = "sharegpt-v1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ShareGptReader() {}

  /** The conversations of {@code file}, in file order. */
  public static List<ChatConversation> read(Path file) {
    List<ChatConversation> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (!line.isBlank()) {
          out.add(conversation(line, lineNo, file + ":" + lineNo));
        }
      }
    } catch (IOException e) {
      throw new ScenarioException(file.toString(), "", "cannot read the chats: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new ScenarioException(file.toString(), "", "the chats file has no conversations");
    }
    return out;
  }

  private static ChatConversation conversation(String line, int lineNo, String source) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(source, "", "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ScenarioException(source, "", "expected a JSON object per line");
    }
    String id = node.has("id") ? TraceFields.text(node, "id", source) : "line" + lineNo;
    JsonNode turns = node.get("conversations");
    if (turns == null || !turns.isArray() || turns.isEmpty()) {
      throw new ScenarioException(source, "conversations", "expected a non-empty array of {from, value}");
    }
    List<ChatTurn> out = new ArrayList<>();
    for (int i = 0; i < turns.size(); i++) {
      out.add(turn(turns.get(i), i, out, source));
    }
    return new ChatConversation(lineNo, id, out);
  }

  private static ChatTurn turn(JsonNode t, int i, List<ChatTurn> before, String source) {
    String field = "conversations[" + i + "]";
    if (!t.isObject()) {
      throw new ScenarioException(source, field, "expected an object {from, value}, found " + t);
    }
    t.fieldNames().forEachRemaining(name -> {
      if (!name.equals("from") && !name.equals("value")) {
        throw new ScenarioException(source, field + "." + name, "unknown field (a turn has from and value)");
      }
    });
    String from = text(t, "from", field, source);
    String role = switch (from) {
      case "human" -> "user";
      case "gpt" -> "assistant";
      case "system" -> "system";
      default -> throw new ScenarioException(source, field + ".from", "'" + from + "' is not human, gpt or system");
    };
    boolean afterSystem = !before.isEmpty() && before.get(0).role().equals("system");
    int position = before.size() - (afterSystem ? 1 : 0);
    String expected = position % 2 == 0 ? "user" : "assistant";
    if (role.equals("system") ? !before.isEmpty() : !role.equals(expected)) {
      throw new ScenarioException(source, field + ".from", "'" + from + "' out of turn: expected "
          + (expected.equals("user") ? "human" : "gpt") + " (system only first, then human and gpt alternate)");
    }
    return new ChatTurn(role, text(t, "value", field, source));
  }

  private static String text(JsonNode t, String name, String field, String source) {
    JsonNode v = t.get(name);
    if (v == null || !v.isTextual()) {
      throw new ScenarioException(source, field + "." + name, "expected a string, found " + (v == null ? "nothing" : v));
    }
    return v.asText();
  }
}
