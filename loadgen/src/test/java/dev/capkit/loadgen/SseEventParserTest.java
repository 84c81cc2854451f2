package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventParserTest {

  /** Collects events; [DONE] is recorded as the string "<DONE>". */
  private static final class Events implements SseEventParser.Listener {
    final List<String> seen = new ArrayList<>();

    @Override
    public void onData(byte[] buf, int off, int len) {
      seen.add(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public void onDone() {
      seen.add("<DONE>");
    }
  }

  private static List<String> parse(String body, int... cuts) {
    Events events = new Events();
    SseEventParser parser = new SseEventParser(events);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int from = 0;
    for (int cut : cuts) {
      parser.feed(bytes, from, cut - from);
      from = cut;
    }
    parser.feed(bytes, from, bytes.length - from);
    return events.seen;
  }

  @Test
  void severalEventsInOneRead() {
    assertEquals(List.of("{\"a\":1}", "{\"a\":2}", "<DONE>"), parse("data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n"));
  }

  @Test
  void eventsSplitAtEveryPossibleByteGiveTheSameResult() {
    String body = "data: {\"content\":\"héllo 你好\"}\r\n\r\n: ping\r\n\r\ndata: [DONE]\r\n\r\n";
    List<String> expected = List.of("{\"content\":\"héllo 你好\"}", "<DONE>");
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    for (int cut = 0; cut <= length; cut++) {
      assertEquals(expected, parse(body, cut), "cut at byte " + cut);
    }
    for (int a = 0; a <= length; a += 3) {
      for (int b = a; b <= length; b += 5) {
        assertEquals(expected, parse(body, a, b), "cuts at " + a + " and " + b);
      }
    }
  }

  @Test
  void crlfSplitBetweenReadsIsOneLineEnd() {
    String body = "data: x\r\n\r\ndata: y\r\n\r\n";
    assertEquals(List.of("x", "y"), parse(body, 8)); // read ends right after the first CR
    assertEquals(List.of("x", "y"), parse(body, 10));
  }

  @Test
  void bareCrAndLfLineEnds() {
    assertEquals(List.of("a", "b"), parse("data: a\r\rdata: b\n\n"));
  }

  @Test
  void commentsAndOtherFieldsAreIgnored() {
    assertEquals(List.of("payload"), parse(": keep-alive\n\nevent: message\nid: 7\nretry: 100\ndata: payload\n\n"));
  }

  @Test
  void multiLineDataIsJoinedWithLf() {
    assertEquals(List.of("line1\nline2"), parse("data: line1\ndata: line2\n\n"));
  }

  @Test
  void noSpaceAfterColonAndOnlyOneSpaceDropped() {
    assertEquals(List.of("x", " y"), parse("data:x\n\ndata:  y\n\n"));
  }

  @Test
  void dataFieldNamePrefixIsNotData() {
    assertEquals(List.of(), parse("datax: nope\n\n"));
  }

  @Test
  void partialEventIsReportedAndNotDispatched() {
    Events events = new Events();
    SseEventParser parser = new SseEventParser(events);
    byte[] bytes = "data: {\"a\":1}\n\ndata: {\"a\"".getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 0, bytes.length);
    assertEquals(List.of("{\"a\":1}"), events.seen);
    assertTrue(parser.hasPartialEvent());
    assertEquals(1, parser.events());
  }

  @Test
  void completeBodyLeavesNothingPending() {
    Events events = new Events();
    SseEventParser parser = new SseEventParser(events);
    byte[] bytes = "data: a\n\n".getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 0, bytes.length);
    assertFalse(parser.hasPartialEvent());
  }

  @Test
  void longLinesGrowTheBuffers() {
    String big = "x".repeat(100_000);
    assertEquals(List.of(big), parse("data: " + big + "\n\n", 3, 50_000));
  }

  @Test
  void dataReferencedInTheCallersBufferSurvivesTheBufferBeingReused() {
    // The parser hands out ranges of the caller's buffer; an event left unfinished at the end of a
    // read must be kept by the parser, because the caller reuses its buffer for the next read.
    Events events = new Events();
    SseEventParser parser = new SseEventParser(events);
    byte[] reused = new byte[64];
    byte[] first = "data: {\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(first, 0, reused, 0, first.length);
    parser.feed(reused, 0, first.length);
    assertEquals(List.of(), events.seen);
    java.util.Arrays.fill(reused, (byte) 'Z');
    byte[] second = "\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(second, 0, reused, 0, second.length);
    parser.feed(reused, 0, second.length);
    assertEquals(List.of("{\"a\":1}", "<DONE>"), events.seen);
  }

  @Test
  void multiLineDataSplitAcrossReadsIsJoined() {
    String body = "data: one\r\ndata: two\r\n\r\n";
    for (int cut = 0; cut <= body.length(); cut++) {
      assertEquals(List.of("one\ntwo"), parse(body, cut), "cut at byte " + cut);
    }
  }

  @Test
  void manyEventsWithKeepAliveCommentsInOneReadAndAcrossReads() {
    StringBuilder body = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      body.append("data: {\"i\":").append(i).append("}\r\n\r\n");
      expected.add("{\"i\":" + i + "}");
      if (i % 7 == 0) {
        body.append(": keep-alive ").append(i).append("\r\n\r\n");
      }
    }
    body.append("data: [DONE]\n\n");
    expected.add("<DONE>");
    String text = body.toString();
    assertEquals(expected, parse(text));
    for (int step = 1; step < 40; step += 3) {
      int[] cuts = new int[(text.length() - 1) / step];
      for (int k = 0; k < cuts.length; k++) {
        cuts[k] = (k + 1) * step;
      }
      assertEquals(expected, parse(text, cuts), "reads of " + step + " bytes");
    }
  }

  @Test
  void eventEndedByTheFirstByteOfTheNextRead() {
    // data line complete in read 1, blank line in read 2: dispatched from the parser's own copy
    assertEquals(List.of("x", "y"), parse("data: x\n\ndata: y\n\n", 8, 17));
  }
}
