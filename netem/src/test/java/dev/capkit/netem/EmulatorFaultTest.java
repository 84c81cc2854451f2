package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.EmulatorOptions;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatRequest;
import dev.capkit.loadgen.ChatEndpoint;
import dev.capkit.loadgen.TextChatRequests;
import dev.capkit.netem.toxic.DownToxic;
import dev.capkit.netem.toxic.ResetPeerToxic;
import dev.capkit.netem.toxic.TimeoutToxic;
import dev.capkit.twin.answers.AnswerGenerator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults injected between capkit's ChatClient and the emulator (physics profile, so a 150-token
 * stream lasts about 1.5 s on the emulated A100): each fault shows up as its outcome kind, and
 * requests succeed again once the fault ends. Bounded: about 8 s of wall clock.
 */
class EmulatorFaultTest {
  private static final Logger LOG = LoggerFactory.getLogger(EmulatorFaultTest.class);

  @Test
  void resetTimeoutAndOutageAreCountedByKindAndRecover() throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults());
         EmbeddedNetem netem = EmbeddedNetem.start(new InetSocketAddress(emu.baseUri().getHost(), emu.baseUri().getPort()))) {
      ChatEndpoint endpoint = new ChatEndpoint(netem.rewrite(emu.baseUri()), emu.modelName(), null,
          new ClientTimeouts(Duration.ofSeconds(1), Duration.ofMillis(800), Duration.ofSeconds(6)));
      TextChatRequests chats = new TextChatRequests("chat", emu.modelName(), true, true);
      Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
      try (ChatClient client = new ChatClient(endpoint, 1)) {
        // healthy
        assertEquals(Outcome.OK, send(client, chats, 1, counts).outcome());

        // reset_peer mid-stream: RST 300 ms after the response starts; the stream had begun
        netem.proxy().addToxic(new ToxicSpec("cut", Direction.DOWNSTREAM, 1.0, new ResetPeerToxic(300)));
        List<CompletableFuture<RequestRecord>> inFlight = new ArrayList<>();
        // A plan key seeds the emulator's answer: without one it is seeded by the random x-request-id, and the
        // emulator's model-length answers (log-normal, median ~120 tokens) were now and then short enough to end
        // before the reset (OK instead of BROKEN_STREAM: 1 fresh-clone run in ~6, 2026-12-02). So the streams
        // get keys whose answers run to max_tokens = 150 (~1.5 s), found with the emulator's own generator and seed.
        AnswerGenerator answers = new AnswerGenerator(emu.options().seed());
        List<String> keys = new ArrayList<>();
        for (int k = 0; keys.size() < 3; k++) {
          assertTrue(k < 1000, "no three of 1,000 keys give a 150-token answer");
          if (answers.length("reset-" + k, false, 150).tokens() == 150) {
            keys.add("reset-" + k);
          }
        }
        for (int i = 0; i < 3; i++) {
          String key = keys.get(i);
          ChatRequest r = chats.request(64, 150, 10 + i);
          inFlight.add(client.send(new ChatRequest(r.kind(), r.stream(), r.segments(), r.imageCount(), r.approxPromptChars(),
              key), 0L));
        }
        for (var f : inFlight) {
          RequestRecord r = f.join();
          counts.merge(r.outcome(), 1, Integer::sum);
          assertEquals(Outcome.BROKEN_STREAM, r.outcome(), r.error());
          assertTrue(r.ttftNanos() > 0, "the response had started before the reset");
        }
        netem.proxy().removeToxic("cut");

        // timeout: the request vanishes upstream; the client's first-byte deadline fires
        netem.proxy().addToxic(new ToxicSpec("hole", Direction.UPSTREAM, 1.0, new TimeoutToxic(0)));
        assertEquals(Outcome.FIRST_BYTE_TIMEOUT, send(client, chats, 20, counts).outcome());
        netem.proxy().removeToxic("hole");

        // down for 1.5 s: connects refused
        netem.proxy().addToxic(new ToxicSpec("outage", Direction.DOWNSTREAM, 1.0, new DownToxic(1500, 0)));
        assertEquals(Outcome.CONNECT_ERROR, send(client, chats, 30, counts).outcome());
        Thread.sleep(1600);

        // recovery: the fault is over, requests succeed again
        for (int i = 0; i < 2; i++) {
          assertEquals(Outcome.OK, send(client, chats, 40 + i, counts).outcome());
        }
      }
      LOG.info("outcomes through netem faults: {}", counts);
      assertEquals(3, counts.get(Outcome.OK));
      assertEquals(3, counts.get(Outcome.BROKEN_STREAM));
      assertEquals(1, counts.get(Outcome.FIRST_BYTE_TIMEOUT));
      assertEquals(1, counts.get(Outcome.CONNECT_ERROR));
    }
  }

  private static RequestRecord send(ChatClient client, TextChatRequests chats, long seed, Map<Outcome, Integer> counts) {
    RequestRecord r = client.send(chats.request(64, 40, seed), 0L).join();
    counts.merge(r.outcome(), 1, Integer::sum);
    return r;
  }
}
