package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkScanTest {

  private final ChunkScan scan = new ChunkScan();

  private ChunkScan scan(String json) throws IOException {
    // surrounded by other bytes: the scan must stay inside its range
    byte[] framed = ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    scan.scan(framed, 6, framed.length - 8);
    return scan;
  }

  @Test
  void emulatorChunks() throws IOException {
    List<String> events = EmulatorLikeStream.events(3, 300);
    for (int i = 0; i < events.size() - 1; i++) { // [DONE] is the SSE parser's business
      String e = events.get(i);
      ChunkScan s = scan(e.substring(6, e.length() - 2));
      boolean role = i == 0;
      boolean usage = i == events.size() - 2;
      assertEquals(!role && !usage, s.content, e);
      assertEquals(i == events.size() - 3, s.finished, e);
      assertEquals(usage ? 300 : -1, s.promptTokens, e);
      assertEquals(usage ? 3 : -1, s.completionTokens, e);
      assertFalse(s.error, e);
    }
  }

  @Test
  void generatedTextFields() throws IOException {
    assertTrue(scan("{\"choices\":[{\"delta\":{\"reasoning_content\":\"hm\"}}]}").content);
    assertTrue(scan("{\"choices\":[{\"delta\":{\"reasoning\":\"hm\"}}]}").content);
    assertTrue(scan("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}").content);
    assertTrue(scan("{\"choices\":[{\"text\":\" a\"}]}").content);
    assertTrue(scan("{\"choices\":[{\"delta\":{\"content\":\"\\n\"}}]}").content, "an escape is text");
    assertFalse(scan("{\"choices\":[{\"delta\":{\"content\":\"\"}}]}").content);
    assertFalse(scan("{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[{\"id\":\"x\"}]}}]}").content);
    assertTrue(scan("{\"choices\":[{\"delta\":{\"cont\\u0065nt\":\"x\"}}]}").content, "escaped key");
  }

  @Test
  void onlyTheFirstChoiceCounts() throws IOException {
    ChunkScan s = scan("{\"choices\":[{\"delta\":{}},{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}");
    assertFalse(s.content);
    assertFalse(s.finished);
    assertFalse(scan("{\"choices\":[null,{\"delta\":{\"content\":\"x\"}}]}").content);
  }

  @Test
  void finishReason() throws IOException {
    assertTrue(scan("{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}").finished);
    assertFalse(scan("{\"choices\":[{\"delta\":{},\"finish_reason\":null}]}").finished);
  }

  @Test
  void usageOnTheFinalChunk() throws IOException {
    ChunkScan s = scan("{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"total_tokens\":19,\"completion_tokens\":7,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}");
    assertEquals(12, s.promptTokens);
    assertEquals(7, s.completionTokens);
    s = scan("{\"usage\":{\"prompt_tokens\":1.5,\"completion_tokens\":\"7\"}}");
    assertEquals(-1, s.promptTokens, "not an integer");
    assertEquals(-1, s.completionTokens, "not a number");
    assertEquals(-1, scan("{\"usage\":null}").promptTokens);
  }

  @Test
  void errorObjects() throws IOException {
    ChunkScan s = scan("{\"error\":{\"message\":\"CUDA out of memory \\\"x\\\" \\u00e9\",\"type\":\"InternalServerError\",\"code\":500}}");
    assertTrue(s.error);
    assertEquals("CUDA out of memory \"x\" é", s.errorMessage);
    assertEquals(500, s.errorCode);
    s = scan("{\"object\":\"error\",\"message\":\"bad\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}");
    assertTrue(s.error);
    assertEquals("bad", s.errorMessage);
    assertEquals(400, s.errorCode);
    s = scan("{\"error\":\"plain\"}");
    assertTrue(s.error);
    assertEquals("plain", s.errorMessage);
    s = scan("{\"error\":null,\"message\":\"not an error\",\"code\":3,\"object\":\"chat.completion.chunk\"}");
    assertFalse(s.error);
    assertNull(s.errorMessage, "message only kept for errors");
    assertEquals(-1, s.errorCode);
  }

  @Test
  void bytesAfterTheRootObjectAreNotRead() throws IOException {
    assertTrue(scan("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} trailing").content);
  }

  @Test
  void whitespaceAnywhereBetweenTokens() throws IOException {
    ChunkScan s = scan(" \r\n\t{ \"choices\" : [ { \"delta\" : { \"content\" : \"x\" } , \"finish_reason\" : \"stop\" } ] ,"
        + " \"usage\" : { \"prompt_tokens\" : 2 , \"completion_tokens\" : 1 } } ");
    assertTrue(s.content);
    assertTrue(s.finished);
    assertEquals(2, s.promptTokens);
    assertEquals(1, s.completionTokens);
  }

  @Test
  void skipsEveryKindOfValue() throws IOException {
    ChunkScan s = scan("{\"a\":[1,-2,3.5e-3,0,-0.0,1E+9,true,false,null,\"s\\\\\\/\\b\\f\\n\\r\\t\",{\"b\":[[]],\"c\":{}}],"
        + "\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-0.1}]},\"delta\":{\"content\":\"y\"}}]}");
    assertTrue(s.content);
  }

  @Test
  void malformedJsonIsRefused() {
    List<String> bad = List.of("", "   ", "[1]", "\"s\"", "{", "{\"a\"", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}",
        "{\"a\":1 \"b\":2}", "{a:1}", "{\"a\":tru}", "{\"a\":truex}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
        "{\"a\":1e}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"open}", "{\"a\":\"tab\there\"}",
        "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{\"b\":1]}", "{\"choices\":[{\"delta\":{\"content\":\"x\"}}",
        "{\"usage\":{\"prompt_tokens\":99999999999}}", "{\"a\":+1}", "{\"a\":NaN}", "{,\"a\":1}");
    for (String json : bad) {
      assertThrows(IOException.class, () -> scan(json), json);
    }
  }

  @Test
  void nestingIsBounded() throws IOException {
    String ok = "{\"a\":" + "[".repeat(ChunkScan.MAX_DEPTH - 1) + "]".repeat(ChunkScan.MAX_DEPTH - 1) + "}";
    scan(ok);
    String deep = "{\"a\":" + "[".repeat(ChunkScan.MAX_DEPTH) + "]".repeat(ChunkScan.MAX_DEPTH) + "}";
    IOException e = assertThrows(IOException.class, () -> scan(deep));
    assertTrue(e.getMessage().contains("nesting"), e.getMessage());
  }

  @Test
  void errorsNameTheOffset() {
    IOException e = assertThrows(IOException.class, () -> scan("{\"a\":01}"));
    assertTrue(e.getMessage().contains("offset"), e.getMessage());
  }

  @Test
  void reusedScanResetsItsFacts() throws IOException {
    scan("{\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}");
    ChunkScan s = scan("{\"choices\":[]}");
    assertFalse(s.content);
    assertFalse(s.finished);
    assertEquals(-1, s.promptTokens);
    assertEquals(-1, s.completionTokens);
  }
}
