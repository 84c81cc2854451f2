package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.workload.ChatConversation;
import dev.capkit.core.workload.ShareGptReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void oneRequestPerUserTurnWithTheHistoryBeforeIt() throws Exception {
    Path file = Files.writeString(dir.resolve("c.jsonl"), "{\"conversations\": [{\"from\": \"system\", \"value\": \"Be brief.\"},"
        + " {\"from\": \"human\", \"value\": \"What is a \\\"KV\\\" cache?\"}, {\"from\": \"gpt\", \"value\": \""
        + "x".repeat(400) + "\"}, {\"from\": \"human\", \"value\": \"\u4f60\u597d\"}]}\n");
    ChatConversation c = ShareGptReader.read(file).get(0);
    List<ChatRequest> requests = new ConversationRequests("chat", "m", true, 77).requests(c);
    assertEquals(2, requests.size());
    JsonNode first = JSON.readTree(requests.get(0).body());
    assertEquals(2, first.get("messages").size());
    assertEquals("What is a \"KV\" cache?", first.get("messages").get(1).get("content").asText());
    assertEquals(100, first.get("max_tokens").asInt(), "the recorded answer's length, 4 chars per token");
    JsonNode second = JSON.readTree(requests.get(1).body());
    assertEquals(4, second.get("messages").size());
    assertEquals("assistant", second.get("messages").get(2).get("role").asText());
    assertEquals("\u4f60\u597d", second.get("messages").get(3).get("content").asText());
    assertEquals(77, second.get("max_tokens").asInt(), "no recorded answer: the fallback");
  }
}
