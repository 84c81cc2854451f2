package dev.capkit.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.scenario.ScenarioException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capkit-sessions-v1} and {@code sharegpt-v1} pinned by golden files (fixtures under
 * {@code src/test/resources/workload}; regenerate deliberately with {@code -Dcapkit.updateGolden=true}),
 * and their errors naming file:line and field.
 */
class RecordedWorkloadReadersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void sessionsMatchGolden() throws IOException {
    Path dir = TraceReadersTest.DIR.toAbsolutePath();
    String text = AgentSessionReader.read(dir.resolve("sessions-v1.jsonl")).stream()
        .map(s -> "task=" + q(s.task()) + "\n" + s.steps().stream()
            .map(st -> "  line=" + st.line() + " screenshot=" + dir.relativize(st.screenshot()).toString().replace('\\', '/')
                + " think_ms=" + st.thinkMillis() + " max_tokens=" + st.maxTokens() + " prompt=" + q(st.prompt()))
            .collect(Collectors.joining("\n")))
        .collect(Collectors.joining("\n", "", "\n"));
    golden("sessions-v1.golden", text);
  }

  @Test
  void shareGptMatchesGolden() throws IOException {
    String text = ShareGptReader.read(TraceReadersTest.DIR.resolve("sharegpt-v1.jsonl")).stream()
        .map(c -> "line=" + c.line() + " id=" + c.id() + " " + c.turns().stream()
            .map(t -> t.role() + "=" + q(t.text())).collect(Collectors.joining(" ")))
        .collect(Collectors.joining("\n", "", "\n"));
    golden("sharegpt-v1.golden", text);
  }

  @Test
  void sessionErrorsNameLineAndField() throws IOException {
    Files.writeString(tmp.resolve("a.png"), "x");
    assertSessionError("{\"task\": \"t\", \"screenshot\": \"missing.png\", \"prompt\": \"p\"}\n",
        ":1: field 'screenshot': 'missing.png' does not exist");
    assertSessionError("{\"task\": \"t\", \"screenshot\": \"a.png\", \"prompt\": \"p\"}\n"
        + "{\"task\": \"t\", \"screenshot\": \"a.png\", \"prompt\": \"p\", \"think_ms\": -1}\n",
        ":2: field 'think_ms': must be 0..3600000, got -1");
    assertSessionError("{\"task\": \"t\", \"screenshot\": \"a.png\"}\n", ":1: field 'prompt': is required");
    assertSessionError("{\"task\": \"t\", \"screenshot\": \"a.png\", \"prompt\": \"p\", \"image\": 1}\n",
        ":1: field 'image': unknown field");
    assertSessionError("\n", "the sessions file has no steps");
  }

  @Test
  void shareGptErrorsNameLineAndField() throws IOException {
    assertChatError("{\"conversations\": [{\"from\": \"human\", \"value\": \"a\"}]}\n"
        + "{\"conversations\": [{\"from\": \"human\", \"value\": \"a\"}, {\"from\": \"bot\", \"value\": \"b\"}]}\n",
        ":2: field 'conversations[1].from': 'bot' is not human, gpt or system");
    assertChatError("{\"conversations\": [{\"from\": \"gpt\", \"value\": \"a\"}]}\n",
        ":1: field 'conversations[0].from': 'gpt' out of turn: expected human");
    assertChatError("{\"conversations\": [{\"from\": \"human\", \"value\": 3}]}\n",
        ":1: field 'conversations[0].value': expected a string, found 3");
    assertChatError("{\"conversations\": []}\n", ":1: field 'conversations': expected a non-empty array");
  }

  private void assertSessionError(String content, String expected) throws IOException {
    Path file = Files.writeString(tmp.resolve("s.jsonl"), content);
    ScenarioException e = assertThrows(ScenarioException.class, () -> AgentSessionReader.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
  }

  private void assertChatError(String content, String expected) throws IOException {
    Path file = Files.writeString(tmp.resolve("c.jsonl"), content);
    ScenarioException e = assertThrows(ScenarioException.class, () -> ShareGptReader.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
  }

  private static String q(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void golden(String name, String text) throws IOException {
    Path golden = TraceReadersTest.DIR.resolve(name);
    if (Boolean.getBoolean("capkit.updateGolden")) {
      Files.writeString(golden, text, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), text, "golden file " + golden);
  }
}
