package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Metric computation on recorded vLLM-style streams (see {@link RecordedStream} for the format). */
class StreamTimingsTest {

  private static final long MS = 1_000_000L;

  private static RequestRecord replay(String name) {
    return RecordedStream.load(name).replay().toRecord("req-1", "0af7651916cd43dd8448eb211c80319c", "phone-step",
        1_718_000_000_000_000L, 0L);
  }

  private static long[] ms(long... millis) {
    return Arrays.stream(millis).map(m -> m * MS).toArray();
  }

  @Test
  void normalStreamMeasuresTtftFromFirstNonEmptyContentNotTheRoleChunk() {
    RequestRecord r = replay("normal.sse");
    assertEquals(Outcome.OK, r.outcome());
    assertEquals(200, r.httpStatus());
    assertEquals(250 * MS, r.ttftNanos(), "role-only chunk at 100 ms must not count");
    assertArrayEquals(ms(30, 30, 35, 25), r.itlNanos());
    assertEquals(370 * MS, r.e2eNanos(), "E2E ends at the last content chunk, not at usage/[DONE]");
    assertEquals(3412, r.promptTokens());
    assertEquals(5, r.completionTokens());
    assertEquals((370 - 250) * MS / 4, r.tpotNanos());
    assertEquals("", r.error());
  }

  @Test
  void bundledEventsShareTheirReadsArrivalTimeAndGiveZeroGaps() {
    RequestRecord r = replay("bundled.sse");
    assertEquals(Outcome.OK, r.outcome());
    assertEquals(200 * MS, r.ttftNanos());
    // 240 ms read holds three events: one real gap, two zero gaps (vLLM: one ITL per chunk);
    // the multi-token event at 300 ms is one gap; the split event arrives with its last byte (345 ms).
    assertArrayEquals(ms(40, 0, 0, 60, 45), r.itlNanos());
    assertEquals(345 * MS, r.e2eNanos());
    assertEquals(Arrays.stream(r.itlNanos()).sum(), r.e2eNanos() - r.ttftNanos(), "sum(ITL) = E2E - TTFT");
    assertEquals(11, r.completionTokens());
    assertEquals((345 - 200) * MS / 10, r.tpotNanos(), "TPOT divides by completion tokens, not chunks");
  }

  @Test
  void brokenStreamIsCountedAsSuchWithWhatArrivedBeforeTheBreak() {
    RequestRecord r = replay("broken.sse");
    assertEquals(Outcome.BROKEN_STREAM, r.outcome());
    assertEquals(200 * MS, r.ttftNanos());
    assertArrayEquals(ms(30), r.itlNanos());
    assertEquals(300 * MS, r.e2eNanos(), "failed requests: E2E is when the failure was seen");
    assertEquals(-1, r.completionTokens());
    assertTrue(r.error().contains("Connection reset by peer"), r.error());
    assertTrue(r.error().contains("events"), r.error());
  }

  @Test
  void streamEndingWithoutDoneOrFinishReasonIsUnfinished() {
    RequestRecord r = replay("unfinished.sse");
    assertEquals(Outcome.UNFINISHED_STREAM, r.outcome());
    assertEquals(200 * MS, r.ttftNanos());
    assertArrayEquals(ms(30, 30), r.itlNanos());
    assertEquals(270 * MS, r.e2eNanos());
    assertTrue(r.error().contains("without [DONE] or finish_reason"), r.error());
  }

  @Test
  void errorBodyGivesHttpErrorWithTheServersMessage() {
    RequestRecord r = replay("error-body.sse");
    assertEquals(Outcome.HTTP_ERROR, r.outcome());
    assertEquals(400, r.httpStatus());
    assertEquals(-1, r.ttftNanos());
    assertTrue(r.error().startsWith("HTTP 400: This model's maximum context length is 25480 tokens"), r.error());
    assertTrue(r.error().length() <= 410, "error text stays short");
  }

  @Test
  void errorEventInsideA200StreamIsAnHttpErrorWithItsCode() {
    RequestRecord r = replay("in-stream-error.sse");
    assertEquals(Outcome.HTTP_ERROR, r.outcome());
    assertEquals(500, r.httpStatus());
    assertTrue(r.error().contains("CUDA out of memory"), r.error());
    assertEquals(190 * MS, r.ttftNanos());
  }

  @Test
  void reasoningContentCountsAsGeneratedOutput() {
    RequestRecord r = replay("reasoning.sse");
    assertEquals(Outcome.OK, r.outcome());
    assertEquals(150 * MS, r.ttftNanos());
    assertArrayEquals(ms(30, 40), r.itlNanos());
    assertEquals(220 * MS, r.e2eNanos());
    assertEquals(3300, r.promptTokens());
    assertEquals(220 * MS, r.ttfaNanos(), "the first answer token is kept apart from TTFT");
    assertEquals(-1, r.reasoningTokens(), "usage without completion_tokens_details");
  }

  @Test
  void reasoningTokensAndTimeToFirstAnswerAreRecorded() {
    RequestRecord r = replay("reasoning-tokens.sse");
    assertEquals(Outcome.OK, r.outcome());
    assertEquals(150 * MS, r.ttftNanos(), "TTFT: first token of any kind (delta.reasoning)");
    assertEquals(300 * MS, r.ttfaNanos(), "TTFA: first delta.content");
    assertEquals(2, r.reasoningTokens());
    assertEquals(4, r.completionTokens());
    assertEquals(330 * MS, r.e2eNanos());
  }

  @Test
  void noReasoningMeansNoSeparateAnswerTime() {
    RequestRecord r = replay("normal.sse");
    assertEquals(-1, r.ttfaNanos(), "TTFT is already the answer's");
    assertEquals(-1, r.reasoningTokens());
  }

  @Test
  void breakAfterDoneLosesNothingAndStaysOk() {
    RecordedStream normal = RecordedStream.load("normal.sse");
    RecordedStream broken = new RecordedStream(200, normal.reads(), true, 400);
    RequestRecord r = broken.replay().toRecord("r", "t", "k", 0, 0);
    assertEquals(Outcome.OK, r.outcome());
    assertEquals(370 * MS, r.e2eNanos());
  }

  @Test
  void nonJsonEventIsInvalidResponse() {
    StreamTimings t = StreamTimings.streaming(0);
    t.onHeaders(5, 200, "text/event-stream");
    byte[] body = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: <html>oops\n\ndata: [DONE]\n\n"
        .getBytes(StandardCharsets.UTF_8);
    t.onRead(10, body, 0, body.length);
    t.onEnd(20);
    RequestRecord r = t.toRecord("r", "t", "k", 0, 0);
    assertEquals(Outcome.INVALID_RESPONSE, r.outcome());
    assertTrue(r.error().contains("not JSON"), r.error());
  }

  @Test
  void jsonBodyWhereAStreamWasExpectedIsInvalidResponse() {
    StreamTimings t = StreamTimings.streaming(0);
    t.onHeaders(5, 200, "application/json");
    byte[] body = "{\"choices\":[{\"message\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}"
        .getBytes(StandardCharsets.UTF_8);
    t.onRead(10, body, 0, body.length);
    t.onEnd(10);
    RequestRecord r = t.toRecord("r", "t", "k", 0, 0);
    assertEquals(Outcome.INVALID_RESPONSE, r.outcome());
    assertTrue(r.error().contains("application/json"), r.error());
  }

  @Test
  void nonStreamedBodyHasNoTtftAndEndsWhenTheBodyCompletes() {
    StreamTimings t = StreamTimings.whole(0);
    t.onHeaders(40 * MS, 200, "application/json");
    byte[] body = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
        + "{\"role\":\"assistant\",\"content\":\"<think>ok</think><answer>finish(message=\\\"done\\\")</answer>\"},"
        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":812,\"total_tokens\":830,\"completion_tokens\":18}}")
        .getBytes(StandardCharsets.UTF_8);
    t.onRead(40 * MS, body, 0, 30);
    t.onRead(55 * MS, body, 30, body.length - 30);
    t.onEnd(55 * MS);
    RequestRecord r = t.toRecord("r", "t", "text-chat", 0, 0);
    assertEquals(Outcome.OK, r.outcome());
    assertEquals(-1, r.ttftNanos());
    assertEquals(55 * MS, r.e2eNanos());
    assertEquals(0, r.itlNanos().length);
    assertEquals(812, r.promptTokens());
    assertEquals(18, r.completionTokens());
  }

  @Test
  void timeoutKeepsWhatWasMeasuredAndSaysWhichDeadline() {
    StreamTimings t = StreamTimings.streaming(0);
    t.onHeaders(10 * MS, 200, "text/event-stream");
    byte[] chunk = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n".getBytes(StandardCharsets.UTF_8);
    t.onRead(50 * MS, chunk, 0, chunk.length);
    t.onFailure(Outcome.TOTAL_TIMEOUT, 900 * MS, "response not complete within total timeout PT0.9S");
    t.onEnd(950 * MS); // late events after the verdict change nothing
    RequestRecord r = t.toRecord("r", "t", "k", 0, 0);
    assertEquals(Outcome.TOTAL_TIMEOUT, r.outcome());
    assertEquals(50 * MS, r.ttftNanos());
    assertEquals(900 * MS, r.e2eNanos());
  }

  @Test
  void scheduleLagIsCarriedForCoordinatedOmissionCorrection() {
    RequestRecord r = RecordedStream.load("normal.sse").replay().toRecord("r", "t", "k", 0, 7 * MS);
    assertEquals(7 * MS, r.scheduleLagNanos());
    assertEquals(257 * MS, r.ttftFromIntendedNanos());
  }
}
