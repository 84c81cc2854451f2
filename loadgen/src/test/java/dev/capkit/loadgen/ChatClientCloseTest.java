package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.ClientTimeouts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ChatClient#close()} answers every caller: a Gatling user waits on each future, so one that
 * never completes hangs the whole run (seen once in a full build: a user still "active" ten minutes
 * after the client was closed). The server here never answers and the timeouts are far longer than
 * the test, so only the close can end the requests.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatClientCloseTest {

  private static final ChatRequest STREAM = new ChatRequest("text-chat", true,
      "{\"model\":\"m\",\"stream\":true}".getBytes(StandardCharsets.UTF_8));
  private static final ClientTimeouts LONG = new ClientTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(300),
      Duration.ofSeconds(600));

  /** Reads the request, never answers, and lets its connection go when the client closes it. */
  private static ScriptedServer silentServer() throws Exception {
    return new ScriptedServer((request, socket, out) -> {
      while (socket.getInputStream().read() != -1) {
        // wait for the client to close
      }
      return false;
    });
  }

  @Test
  void requestsWaitingForTheirFirstByteEndAsBrokenWhenTheClientCloses() throws Exception {
    try (ScriptedServer server = silentServer()) {
      ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", null, LONG), 1);
      List<CompletableFuture<RequestRecord>> sent = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sent.add(client.send(STREAM, 0));
      }
      for (int i = 0; i < 3; i++) {
        server.received.poll(20, TimeUnit.SECONDS); // all three are on the wire, waiting
      }
      client.close();
      for (CompletableFuture<RequestRecord> f : sent) {
        RequestRecord r = f.get(10, TimeUnit.SECONDS);
        assertEquals(Outcome.BROKEN_STREAM, r.outcome(), r.error());
      }
    }
  }

  @Test
  void aSendAfterCloseFailsAtOnceWithoutTouchingTheNetwork() throws Exception {
    try (ScriptedServer server = silentServer()) {
      ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", null, LONG), 1);
      client.close();
      RequestRecord r = client.send(STREAM, 0).get(5, TimeUnit.SECONDS);
      assertEquals(Outcome.CONNECT_ERROR, r.outcome());
      assertTrue(r.error().contains("closed"), r.error());
      assertEquals(0, server.connections.get());
    }
  }

  /**
   * Senders keep sending while another thread closes the client (the end of a run: late arrivals
   * race the close). Every future must complete; the race window is small, so it is tried many
   * times; the outcome of each request does not matter here, only that it has one.
   */
  @Test
  void sendsRacingTheCloseAllComplete() throws Exception {
    try (ScriptedServer server = silentServer()) {
      for (int round = 0; round < 20; round++) {
        ChatClient client = new ChatClient(new ChatEndpoint(server.uri(), "m", null, LONG), 2);
        List<CompletableFuture<RequestRecord>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch started = new CountDownLatch(2);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          Thread sender = new Thread(() -> {
            started.countDown();
            for (int i = 0; i < 10; i++) {
              sent.add(client.send(STREAM, 0));
              Thread.onSpinWait();
            }
          }, "sender-" + t);
          senders.add(sender);
          sender.start();
        }
        started.await();
        client.close();
        for (Thread sender : senders) {
          sender.join(10_000);
        }
        for (CompletableFuture<RequestRecord> f : List.copyOf(sent)) {
          try {
            assertTrue(f.get(10, TimeUnit.SECONDS).outcome() != Outcome.OK, "round " + round);
          } catch (TimeoutException | ExecutionException e) {
            throw new AssertionError("round " + round + ": a request never answered its caller after close", e);
          }
        }
      }
    }
  }
}
