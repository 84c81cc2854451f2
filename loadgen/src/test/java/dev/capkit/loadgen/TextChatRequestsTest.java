package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TextChatRequestsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void streamingRequestHasPromptOfTheAskedSizeAndUsage() throws IOException {
    ChatRequest request = new TextChatRequests("text-chat", "m", true, true).request(1000, 128, 5L);
    JsonNode b = JSON.readTree(request.body());
    assertEquals("m", b.get("model").asText());
    String prompt = b.get("messages").get(0).get("content").asText();
    assertEquals(4000, prompt.length());
    assertEquals(128, b.get("max_tokens").asInt());
    assertTrue(b.get("stream").asBoolean());
    assertTrue(b.get("stream_options").get("include_usage").asBoolean());
    assertTrue(b.get("ignore_eos").asBoolean());
    assertEquals(0, request.imageCount());
  }

  @Test
  void nonStreamingRequestHasNoStreamOptions() throws IOException {
    ChatRequest request = new TextChatRequests("text-batch", "m", false, false).request(10, 8, 1L);
    JsonNode b = JSON.readTree(request.body());
    assertFalse(request.stream());
    assertFalse(b.get("stream").asBoolean());
    assertNull(b.get("stream_options"));
    assertNull(b.get("ignore_eos"));
  }

  @Test
  void differentSeedsGiveDifferentPrompts() throws IOException {
    var text = new TextChatRequests("t", "m", true, false);
    String a = JSON.readTree(text.request(200, 8, 1L).body()).get("messages").get(0).get("content").asText();
    String b = JSON.readTree(text.request(200, 8, 2L).body()).get("messages").get(0).get("content").asText();
    assertFalse(a.equals(b));
  }
}
