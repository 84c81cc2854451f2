package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

  /** Records what the reader reports. */
  private static final class Parts implements ResponseReader.Listener {
    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final List<byte[]> bodyBuffers = new ArrayList<>();

    @Override
    public void headers(int status, String contentType, boolean keepAlive) {
      events.add("headers " + status + " " + contentType + " " + keepAlive);
    }

    @Override
    public void body(byte[] buf, int off, int len) {
      body.write(buf, off, len);
      bodyBuffers.add(buf);
    }

    @Override
    public void end() {
      events.add("end");
    }

    @Override
    public void malformed(String why) {
      events.add("malformed " + why);
    }

    String bodyText() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Feeds the response in reads cut at the given offsets. */
  private static Parts read(String response, int... cuts) {
    Parts parts = new Parts();
    ResponseReader reader = new ResponseReader();
    byte[] all = bytes(response);
    int from = 0;
    for (int cut : cuts) {
      reader.feed(all, from, cut - from, parts);
      from = cut;
    }
    reader.feed(all, from, all.length - from, parts);
    return parts;
  }

  private static String chunked(String... chunks) {
    StringBuilder s = new StringBuilder("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n");
    for (String c : chunks) {
      s.append(Integer.toHexString(bytes(c).length)).append("\r\n").append(c).append("\r\n");
    }
    return s.append("0\r\n\r\n").toString();
  }

  @Test
  void chunkedStreamSplitAtEveryByteGivesTheSameParts() {
    String sse1 = "data: {\"choices\":[{\"delta\":{\"content\":\"héllo\"}}]}\n\n";
    String sse2 = "data: [DONE]\n\n";
    String response = chunked(sse1, sse2);
    List<String> expected = List.of("headers 200 text/event-stream; charset=utf-8 true", "end");
    int length = bytes(response).length;
    for (int cut = 0; cut <= length; cut++) {
      Parts parts = read(response, cut);
      assertEquals(expected, parts.events, "cut at " + cut);
      assertEquals(sse1 + sse2, parts.bodyText(), "cut at " + cut);
    }
    for (int a = 0; a <= length; a += 7) {
      for (int b = a; b <= length; b += 11) {
        Parts parts = read(response, a, b);
        assertEquals(expected, parts.events, "cuts at " + a + ", " + b);
        assertEquals(sse1 + sse2, parts.bodyText(), "cuts at " + a + ", " + b);
      }
    }
  }

  @Test
  void chunkDataIsHandedOnWhereItLies() {
    byte[] all = bytes(chunked("data: x\n\n", "data: y\n\n"));
    Parts parts = new Parts();
    new ResponseReader().feed(all, 0, all.length, parts);
    assertEquals(2, parts.bodyBuffers.size(), "one body range per chunk");
    parts.bodyBuffers.forEach(b -> assertSame(all, b, "not copied"));
  }

  @Test
  void chunkExtensionsTrailersAndBareLfLineEnds() {
    String response = "HTTP/1.1 200 OK\nTransfer-Encoding: gzip, chunked\n\n5;name=value\nhello\n0\nX-Trailer: 1\n\n";
    Parts parts = read(response);
    assertEquals(List.of("headers 200 null true", "end"), parts.events);
    assertEquals("hello", parts.bodyText());
  }

  @Test
  void contentLengthBody() {
    Parts parts = read("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"error\":1}", 40, 70);
    assertEquals(List.of("headers 400 application/json true", "end"), parts.events);
    assertEquals("{\"error\":1}", parts.bodyText());
  }

  @Test
  void bodyUntilCloseEndsWithTheConnection() {
    Parts parts = new Parts();
    ResponseReader reader = new ResponseReader();
    byte[] all = bytes("HTTP/1.0 200 OK\r\n\r\nsome body");
    reader.feed(all, 0, all.length, parts);
    assertEquals(List.of("headers 200 null false"), parts.events);
    assertTrue(reader.inputClosed(parts));
    assertEquals(List.of("headers 200 null false", "end"), parts.events);
    assertEquals("some body", parts.bodyText());
  }

  @Test
  void cutChunkedBodyIsNotAnEnd() {
    Parts parts = new Parts();
    ResponseReader reader = new ResponseReader();
    byte[] all = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\ndata: x\n");
    reader.feed(all, 0, all.length, parts);
    assertFalse(reader.inputClosed(parts));
    assertEquals(List.of("headers 200 null true"), parts.events);
  }

  @Test
  void interimResponsesAreSkippedAnd204HasNoBody() {
    assertEquals(List.of("headers 200 null true", "end"),
        read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").events);
    assertEquals(List.of("headers 204 null true", "end"), read("HTTP/1.1 204 No Content\r\n\r\n").events);
  }

  @Test
  void keepAliveRules() {
    assertEquals("headers 200 null false", read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").events.get(0));
    assertEquals("headers 200 null true", read("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").events.get(0));
    assertEquals("headers 200 null false", read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").events.get(0));
    assertEquals("headers 200 null true", read("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").events.get(0), "no reason phrase");
  }

  @Test
  void malformedResponsesAreReportedOnceAndTheRestIgnored() {
    assertMalformed("HTTP/1.1 2x0 OK\r\n\r\n", "invalid status line");
    assertMalformed("SSH-2.0-OpenSSH\r\n\r\n", "invalid status line");
    assertMalformed("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "invalid header line");
    assertMalformed("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length");
    assertMalformed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "invalid Content-Length");
    assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size");
    assertMalformed("HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseReader.MAX_HEADERS) + "\r\n\r\n", "headers larger than");
  }

  private static void assertMalformed(String response, String why) {
    Parts parts = read(response + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    List<String> after = parts.events.stream().filter(e -> !e.startsWith("headers")).toList();
    assertEquals(1, after.size(), parts.events.toString());
    assertTrue(after.get(0).startsWith("malformed " + why), parts.events.toString());
    assertTrue(parts.events.get(parts.events.size() - 1).startsWith("malformed"), "nothing read after it");
  }

  @Test
  void bytesAfterTheResponseAreLeftAndTheNextResponseNeedsAReset() {
    byte[] all = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA");
    Parts parts = new Parts();
    ResponseReader reader = new ResponseReader();
    int used = reader.feed(all, 0, all.length, parts);
    assertEquals(all.length - 5, used);
    assertTrue(reader.isDone());
    reader.reset();
    byte[] next = bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    assertEquals(next.length, reader.feed(next, 0, next.length, parts));
    assertEquals(List.of("headers 200 null true", "end", "headers 200 null true", "end"), parts.events);
  }
}
