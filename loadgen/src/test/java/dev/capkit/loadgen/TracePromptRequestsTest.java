package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.workload.TraceRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TracePromptRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final TracePromptRequests trace = new TracePromptRequests("trace", "m", true, false, 0L);

  private static TraceRequest line(int line, int input, int output, long... hashIds) {
    return new TraceRequest(line, 0, input, output, hashIds, "");
  }

  private String prompt(ChatRequest r) throws IOException {
    JsonNode body = JSON.readTree(r.body());
    StringBuilder text = new StringBuilder(); // one text part per block, in order
    for (JsonNode part : body.get("messages").get(0).get("content")) {
      assertEquals("text", part.get("type").asText());
      text.append(part.get("text").asText());
    }
    return text.toString();
  }

  @Test
  void sameHashIdsGiveIdenticalPrefixBlocks() throws IOException {
    String a = prompt(trace.request(line(1, 6755, 500, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)));
    String b = prompt(trace.request(line(2, 7319, 490, 0, 14, 15)));
    String c = prompt(trace.request(line(3, 2287, 316, 0, 1, 2, 44, 45)));
    int block = TracePromptRequests.BLOCK_CHARS;
    assertEquals(a.substring(0, block), b.substring(0, block), "hash id 0 shared");
    assertFalse(a.substring(block, 2 * block).equals(b.substring(block, 2 * block)), "hash ids 1 and 14 differ");
    assertEquals(a.substring(0, 3 * block), c.substring(0, 3 * block), "hash ids 0,1,2 shared");
    assertFalse(a.substring(3 * block, 4 * block).equals(c.substring(3 * block, 4 * block)));
    // blocks past the hash ids belong to the line alone
    String d = prompt(trace.request(line(4, 2048, 5, 0)));
    String e = prompt(trace.request(line(5, 2048, 5, 0)));
    assertEquals(d.substring(0, block), e.substring(0, block));
    assertFalse(d.substring(block).equals(e.substring(block)));
  }

  @Test
  void lengthsFollowTheTrace() throws IOException {
    ChatRequest r = trace.request(line(1, 6755, 500, 0, 1));
    assertEquals(6755 * TextChatRequests.CHARS_PER_TOKEN, prompt(r).length());
    assertEquals(6755 * TextChatRequests.CHARS_PER_TOKEN, r.approxPromptChars());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(500, body.get("max_tokens").asInt());
    assertTrue(body.get("stream").asBoolean());
    // BurstGPT's failed requests: 0 response tokens still ask for one
    assertEquals(1, JSON.readTree(trace.request(line(2, 20, 0)).body()).get("max_tokens").asInt());
  }

  @Test
  void blockTextIsPinnedByGoldenFile() throws IOException {
    // a changed generator would silently change every replayed prompt: pinned
    byte[] text = TracePromptRequests.block(0x1234L, TracePromptRequests.BLOCK_CHARS);
    Path golden = Path.of("src/test/resources/workload/trace-block-v1.txt");
    if (Boolean.getBoolean("capkit.updateGolden")) {
      Files.write(golden, text);
    }
    assertEquals(Files.readString(golden, StandardCharsets.US_ASCII), new String(text, StandardCharsets.US_ASCII));
    assertArrayEquals(text, TracePromptRequests.block(0x1234L, TracePromptRequests.BLOCK_CHARS));
  }
}
