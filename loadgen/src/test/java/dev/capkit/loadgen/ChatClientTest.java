package dev.capkit.loadgen;

import dev.capkit.core.scenario.ClientTimeouts;
import static dev.capkit.loadgen.ScriptedServer.answer;
import static dev.capkit.loadgen.ScriptedServer.chunk;
import static dev.capkit.loadgen.ScriptedServer.content;
import static dev.capkit.loadgen.ScriptedServer.endChunks;
import static dev.capkit.loadgen.ScriptedServer.finish;
import static dev.capkit.loadgen.ScriptedServer.streamHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end against a loopback {@link ScriptedServer}. Wall-clock assertions use generous
 * tolerances: lower bounds are exact (a chunk cannot arrive before it is sent), upper bounds leave
 * room for a loaded 2-core machine.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ChatClientTest {

  private static final long MS = 1_000_000L;
  private static final String KEY = "sk-test-secret-123";
  private static final ChatRequest STREAM = new ChatRequest("text-chat", true,
      "{\"model\":\"m\",\"stream\":true}".getBytes(StandardCharsets.UTF_8));

  private ScriptedServer server;
  private ChatClient client;

  private ChatClient client(ClientTimeouts timeouts) {
    client = new ChatClient(new ChatEndpoint(server.uri(), "autoglm-phone-9b", KEY, timeouts), 1);
    return client;
  }

  private ChatClient client() {
    return client(new ClientTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)));
  }

  @AfterEach
  void stop() throws IOException {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void streamsWithKnownDelaysAndSendsIdsAndHeaders() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      Thread.sleep(60); // "prefill"
      streamHeaders(out);
      chunk(out, "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n");
      for (String token : new String[] {"<think>", "Tap", "</think>"}) {
        chunk(out, content(token));
        Thread.sleep(40);
      }
      chunk(out, finish(3400, 3));
      endChunks(out);
      return true;
    });
    RequestRecord r = client().send(STREAM, 5 * MS).get();
    assertEquals(Outcome.OK, r.outcome(), r.error());
    assertTrue(r.ttftNanos() >= 60 * MS && r.ttftNanos() < 5_000 * MS, "ttft " + r.ttftNanos()); // first request of the JVM
    assertEquals(2, r.itlNanos().length);
    // The last token leaves the server 60 + 2 x 40 ms after the request: an exact lower bound. Single
    // gaps are not: a loaded machine can read a chunk late, together with the next (a 0 ms gap).
    assertTrue(r.e2eNanos() >= 135 * MS, "e2e " + r.e2eNanos() + " itl " + java.util.Arrays.toString(r.itlNanos()));
    for (long gap : r.itlNanos()) {
      assertTrue(gap < 1_000 * MS, "itl " + gap);
    }
    assertEquals(r.e2eNanos() - r.ttftNanos(), r.itlNanos()[0] + r.itlNanos()[1]);
    assertEquals(3400, r.promptTokens());
    assertEquals(3, r.completionTokens());
    assertEquals(5 * MS, r.scheduleLagNanos());
    long nowMicros = System.currentTimeMillis() * 1000;
    assertTrue(Math.abs(nowMicros - r.startEpochMicros()) < 10_000_000L, "start " + r.startEpochMicros());

    ScriptedServer.Received got = server.received.take();
    assertEquals("POST", got.method());
    assertEquals("/v1/chat/completions", got.path());
    assertEquals(r.requestId(), got.headers().get("x-request-id"));
    assertEquals("00-" + r.traceId() + "-", got.headers().get("traceparent").substring(0, 36));
    assertTrue(got.headers().get("traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"));
    assertEquals("Bearer " + KEY, got.headers().get("authorization"));
    assertEquals("application/json", got.headers().get("content-type"));
    assertEquals("text/event-stream", got.headers().get("accept"));
    assertEquals("{\"model\":\"m\",\"stream\":true}", new String(got.body(), StandardCharsets.UTF_8));
  }

  @Test
  void keepAliveConnectionIsReusedAndIdsAreFreshPerRequest() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      streamHeaders(out);
      chunk(out, content("x") + finish(1, 1));
      endChunks(out);
      return true;
    });
    ChatClient c = client();
    RequestRecord first = c.send(STREAM, 0).get();
    RequestRecord second = c.send(STREAM, 0).get();
    assertEquals(Outcome.OK, first.outcome(), first.error());
    assertEquals(Outcome.OK, second.outcome(), second.error());
    assertEquals(1, server.connections.get());
    assertFalse(first.requestId().equals(second.requestId()));
    assertFalse(first.traceId().equals(second.traceId()));
  }

  @Test
  void sendAtWaitsForTheIntendedTimeAndRecordsTheLagFromIt() throws Exception {
    java.util.Map<String, Long> readAt = new java.util.concurrent.ConcurrentHashMap<>();
    server = new ScriptedServer((request, socket, out) -> {
      readAt.put(request.headers().get("x-request-id"), System.nanoTime());
      streamHeaders(out);
      chunk(out, content("x") + finish(1, 1));
      endChunks(out);
      return true;
    });
    ChatClient c = client();
    assertEquals(Outcome.OK, c.send(STREAM, 0).get().outcome()); // the connection exists: no connect in what follows
    // Handed over together (one batch), due at different times: each goes at its own time, not earlier.
    long base = System.nanoTime();
    long[] due = {base + 150 * MS, base + 50 * MS, base - 20 * MS};
    java.util.concurrent.atomic.AtomicInteger atSend = new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<java.util.concurrent.CompletableFuture<RequestRecord>> futures = new java.util.ArrayList<>();
    for (long d : due) {
      futures.add(c.sendAt(STREAM, d, atSend::incrementAndGet));
    }
    for (int i = 0; i < due.length; i++) {
      RequestRecord r = futures.get(i).get();
      assertEquals(Outcome.OK, r.outcome(), r.error());
      long read = readAt.get(r.requestId());
      assertTrue(read >= due[i], "request " + i + " reached the server " + (due[i] - read) / 1e6 + " ms before its time");
      assertTrue(read - due[i] < 2_000 * MS, "request " + i + " reached the server " + (read - due[i]) / 1e6 + " ms late");
      // lag = actual send - intended: the past-due one at least its 20 ms; a timed one its timer's lateness (>= 0)
      assertTrue(r.scheduleLagNanos() >= (i == 2 ? 20 * MS : 0) && r.scheduleLagNanos() < 2_000 * MS,
          "lag " + r.scheduleLagNanos() / 1e6 + " ms of request " + i);
      assertTrue(r.scheduleLagNanos() <= read - due[i], "lag " + r.scheduleLagNanos() / 1e6 + " ms, but read "
          + (read - due[i]) / 1e6 + " ms after its time");
    }
    assertEquals(3, atSend.get());
  }

  @Test
  void closeFailsTimedSendsThatHaveNotGoneOut() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      streamHeaders(out);
      chunk(out, content("x") + finish(1, 1));
      endChunks(out);
      return true;
    });
    ChatClient c = client();
    java.util.concurrent.CompletableFuture<RequestRecord> later = c.sendAt(STREAM, System.nanoTime() + 60_000 * MS, null);
    Thread.sleep(50); // handed over to the loop's timer
    c.close();
    RequestRecord r = later.get(5, TimeUnit.SECONDS);
    assertEquals(Outcome.CONNECT_ERROR, r.outcome());
    assertTrue(r.error().contains("closed before the request's send time"), r.error());
    assertEquals(0, server.received.size(), "nothing was sent");
  }

  @Test
  void realtimeRefusesAValueThatIsNotAPriorityNamingPropertyAndValue() {
    server = null;
    for (String bad : new String[] {"high", "100", "-1", "1.5"}) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> RealtimeThreads.priority(bad));
      assertTrue(e.getMessage().contains("-Dcapkit.loadgen.realtime=" + bad + ":"), e.getMessage());
    }
    assertEquals(0, RealtimeThreads.priority(null));
    assertEquals(0, RealtimeThreads.priority(" "));
    assertEquals(0, RealtimeThreads.priority("0"));
    assertEquals(7, RealtimeThreads.priority(" 7 "));
  }

  @Test
  void realtimePutsTheEventLoopsAndTheJvmsSafepointThreadsInFifoNotTheCallersAndCloseUndoesIt() throws Exception {
    // Needs the right to set real-time priorities (root here, and in CI on this machine); elsewhere it must refuse
    // naming the property, which is checked instead.
    server = new ScriptedServer((request, socket, out) -> {
      streamHeaders(out);
      chunk(out, content("x") + finish(1, 1));
      endChunks(out);
      return true;
    });
    ChatClient c = client();
    assertEquals("ordinary (SCHED_OTHER)", c.useRealtime("0"));
    String said;
    try {
      said = c.useRealtime("3");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith("-Dcapkit.loadgen.realtime=3: cannot put the load generator's threads in SCHED_FIFO"),
          e.getMessage());
      return;
    }
    assertTrue(said.startsWith("SCHED_FIFO 3 (-Dcapkit.loadgen.realtime): 1 event loop(s)"), said);
    long me = dev.capkit.core.os.LinuxThreads.currentTid();
    assertEquals(Outcome.OK, c.send(STREAM, 0).get().outcome());
    assertEquals(Outcome.OK, c.sendAt(STREAM, System.nanoTime() + 5 * MS, null).get().outcome());
    Thread.sleep(100); // the control loop had time to act, had it wanted to
    assertEquals(0, dev.capkit.core.os.LinuxThreads.policy(0, me)[0], "the caller's thread stays ordinary");
    // The loop starts ordinary and the real-time guard promotes it once it has been light for 3 s with the JIT quiet
    // (core RealtimeGuard): 20 s is generous on a loaded 2-core machine.
    long until = System.nanoTime() + 20_000 * MS;
    while (!c.scheduling().contains("1 promotion(s)") && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    assertTrue(c.scheduling().contains("1 promotion(s), 0 demotion(s)"), c.scheduling());
    long loops = 0;
    long vm = 0;
    for (dev.capkit.core.os.LinuxThreads.Task t : dev.capkit.core.os.LinuxThreads.tasks(0)) {
      int[] p = dev.capkit.core.os.LinuxThreads.policy(0, t.tid());
      if (t.name().startsWith("capkit-loadgen")) {
        assertEquals(1, p[0], t.name());
        assertEquals(3, p[1], t.name());
        loops++;
      } else if (t.name().equals("VM Thread")) {
        assertEquals(1, p[0], t.name());
        vm++;
      } else if (t.name().startsWith("C2 Compiler") || t.name().startsWith("capkit-control")) {
        assertEquals(0, p[0], t.name() + " must stay ordinary");
      }
    }
    assertEquals(1, loops);
    assertEquals(1, vm);
    c.close();
    client = null;
    for (dev.capkit.core.os.LinuxThreads.Task t : dev.capkit.core.os.LinuxThreads.tasks(0)) {
      if (t.name().equals("VM Thread") || t.name().startsWith("GC Thread")) {
        assertEquals(0, dev.capkit.core.os.LinuxThreads.policy(0, t.tid())[0], t.name() + " back to ordinary");
      }
    }
  }

  @Test
  void requestWrittenHookGetsEachIdOnceWhenTheBytesAreOut() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      Thread.sleep(60); // the request has been read whole before this: it was written >= 60 ms before the answer
      streamHeaders(out);
      chunk(out, content("x") + finish(1, 1));
      endChunks(out);
      return true;
    });
    ChatClient c = client();
    java.util.Map<String, Long> written = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    c.onRequestWritten((id, nanos) -> {
      calls.incrementAndGet();
      written.put(id, nanos);
    });
    for (int i = 0; i < 2; i++) { // a fresh connection, then the pooled one
      long before = System.nanoTime();
      RequestRecord r = c.send(STREAM, 0).get();
      long after = System.nanoTime();
      assertEquals(Outcome.OK, r.outcome(), r.error());
      Long at = written.get(r.requestId());
      assertTrue(at != null, "no written stamp for " + r.requestId() + ": " + written);
      assertTrue(at >= before && at <= after - 55 * MS, "written " + (at - before) / 1e6 + " ms after send, answer "
          + (after - before) / 1e6 + " ms");
    }
    assertEquals(2, calls.get());
  }

  @Test
  void resetMidStreamIsBrokenAndNeverResent() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      streamHeaders(out);
      chunk(out, content("a"));
      Thread.sleep(30);
      chunk(out, content("b") + "data: {\"choices\":[{\"delta\":{\"content\":\"c");
      Thread.sleep(30);
      ScriptedServer.reset(socket);
      return false;
    });
    RequestRecord r = client().send(STREAM, 0).get();
    assertEquals(Outcome.BROKEN_STREAM, r.outcome(), r.error());
    assertTrue(r.ttftNanos() > 0);
    assertEquals(1, r.itlNanos().length);
    Thread.sleep(100);
    assertEquals(1, server.received.size(), "the POST must not be re-sent");
    assertEquals(1, server.connections.get());
  }

  @Test
  void unauthorizedAndRateLimitedAreHttpErrorsWithTheServersMessage() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      if (server.received.size() == 1) {
        answer(out, 401, "Unauthorized", "application/json", "{\"error\":\"Unauthorized\"}");
      } else {
        answer(out, 429, "Too Many Requests", "application/json",
            "{\"object\":\"error\",\"message\":\"rate limit exceeded\",\"type\":\"RateLimitError\",\"code\":429}");
      }
      return true;
    });
    RequestRecord unauthorized = client().send(STREAM, 0).get();
    assertEquals(Outcome.HTTP_ERROR, unauthorized.outcome());
    assertEquals(401, unauthorized.httpStatus());
    assertEquals("HTTP 401: Unauthorized", unauthorized.error());
    RequestRecord limited = client.send(STREAM, 0).get();
    assertEquals(429, limited.httpStatus());
    assertEquals("HTTP 429: rate limit exceeded", limited.error());
    assertFalse(unauthorized.toString().contains(KEY));
  }

  @Test
  void silentServerGivesFirstByteTimeout() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      Thread.sleep(2_000);
      return false;
    });
    RequestRecord r = client(new ClientTimeouts(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5)))
        .send(STREAM, 0).get();
    assertEquals(Outcome.FIRST_BYTE_TIMEOUT, r.outcome(), r.error());
    assertTrue(r.e2eNanos() >= 200 * MS && r.e2eNanos() < 1_500 * MS, "e2e " + r.e2eNanos());
    assertTrue(r.error().contains("firstByte"), r.error());
  }

  @Test
  void stalledStreamGivesTotalTimeoutAndKeepsItsTtft() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      streamHeaders(out);
      chunk(out, content("a"));
      Thread.sleep(2_000);
      return false;
    });
    RequestRecord r = client(new ClientTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(400)))
        .send(STREAM, 0).get();
    assertEquals(Outcome.TOTAL_TIMEOUT, r.outcome(), r.error());
    assertTrue(r.ttftNanos() > 0 && r.ttftNanos() < 400 * MS);
    assertTrue(r.e2eNanos() >= 400 * MS && r.e2eNanos() < 1_500 * MS, "e2e " + r.e2eNanos());
  }

  @Test
  void bodyEndingWithoutDoneIsUnfinished() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      streamHeaders(out);
      chunk(out, content("a") + content("b"));
      endChunks(out);
      return true;
    });
    RequestRecord r = client().send(STREAM, 0).get();
    assertEquals(Outcome.UNFINISHED_STREAM, r.outcome(), r.error());
    assertEquals(1, r.itlNanos().length);
    assertEquals(0L, r.itlNanos()[0], "two events in one read share its arrival time");
  }

  @Test
  void nonStreamingRequestIsMeasuredToTheEndOfTheBody() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      Thread.sleep(50);
      answer(out, 200, "OK", "application/json", "{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2}}");
      return true;
    });
    ChatRequest plain = new ChatRequest("text-batch", false, "{\"stream\":false}".getBytes(StandardCharsets.UTF_8));
    RequestRecord r = client().send(plain, 0).get();
    assertEquals(Outcome.OK, r.outcome(), r.error());
    assertEquals(-1, r.ttftNanos());
    assertTrue(r.e2eNanos() >= 50 * MS);
    assertEquals(2, r.completionTokens());
    assertEquals("application/json", server.received.take().headers().get("accept"));
  }

  @Test
  void bodyDelimitedByTheConnectionCloseEndsAtItsLastRead() throws Exception {
    // HTTP/1.0 style: no Content-Length, no chunking; the close ends the body and the connection is not reused
    java.util.concurrent.atomic.AtomicLong closedAtMillis = new java.util.concurrent.atomic.AtomicLong();
    server = new ScriptedServer((request, socket, out) -> {
      out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"object\":\"chat.completion\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}")
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(300);
      closedAtMillis.set(System.currentTimeMillis());
      return false;
    });
    ChatRequest plain = new ChatRequest("text-batch", false, "{\"stream\":false}".getBytes(StandardCharsets.UTF_8));
    RequestRecord r = client().send(plain, 0).get();
    assertEquals(Outcome.OK, r.outcome(), r.error());
    assertEquals(1, r.completionTokens());
    long endMillis = (r.startEpochMicros() + r.e2eNanos() / 1000) / 1000;
    // the body was read before the server's 300 ms pause, the close came after it
    assertTrue(endMillis < closedAtMillis.get() - 150, "E2E ends at the body's last read, not at the close: end "
        + endMillis + ", closed " + closedAtMillis.get());
    assertEquals(0, client.idleConnections(), "a closed connection is not pooled");
  }

  @Test
  void refusedConnectionIsAConnectError() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    client = new ChatClient(new ChatEndpoint(URI.create("http://127.0.0.1:" + port), "m", null,
        ClientTimeouts.DEFAULTS), 1);
    RequestRecord r = client.send(STREAM, 0).get();
    assertEquals(Outcome.CONNECT_ERROR, r.outcome());
    assertTrue(r.error().contains("127.0.0.1:" + port), r.error());
    ProbeResult probe = client.probe().get();
    assertFalse(probe.ok());
    assertEquals("target http://127.0.0.1:" + port + " unreachable: connection refused", probe.problem());
  }

  @Test
  void probeReportsUnauthorizedClearly() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      answer(out, 401, "Unauthorized", "application/json", "{\"error\":\"Unauthorized\"}");
      return false;
    });
    ProbeResult probe = client().probe().get();
    assertEquals(401, probe.httpStatus());
    assertEquals("target " + server.uri() + " answered 401 Unauthorized: check CAPKIT_API_KEY (or -Dcapkit.apiKeyFile) and the auth header form (now bearer)",
        probe.problem());
    assertFalse(probe.problem().contains(KEY));
  }

  @Test
  void probeChecksTheModelIsServed() throws Exception {
    server = new ScriptedServer((request, socket, out) -> {
      answer(out, 200, "OK", "application/json",
          "{\"object\":\"list\",\"data\":[{\"id\":\"autoglm-phone-9b\",\"object\":\"model\"}]}");
      return false;
    });
    ProbeResult ok = client().probe().get();
    assertTrue(ok.ok(), ok.problem());
    assertEquals(java.util.List.of("autoglm-phone-9b"), ok.models());
    ScriptedServer.Received got = server.received.take();
    assertEquals("GET", got.method());
    assertEquals("/v1/models", got.path());
    assertEquals("Bearer " + KEY, got.headers().get("authorization"));

    ChatClient other = new ChatClient(new ChatEndpoint(server.uri(), "glm-4.1v", null, ClientTimeouts.DEFAULTS), 1);
    try (other) {
      ProbeResult wrong = other.probe().get();
      assertFalse(wrong.ok());
      assertTrue(wrong.problem().contains("does not serve model 'glm-4.1v'"), wrong.problem());
    }
  }

  @Test
  void apiKeyNeverAppearsInToString() {
    ChatEndpoint endpoint = new ChatEndpoint(URI.create("http://127.0.0.1:1"), "m", KEY, ClientTimeouts.DEFAULTS);
    assertFalse(endpoint.toString().contains(KEY));
    assertTrue(endpoint.toString().contains("apiKey=***"));
  }
}
