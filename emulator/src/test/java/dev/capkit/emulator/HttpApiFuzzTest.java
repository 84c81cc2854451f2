package dev.capkit.emulator;

import dev.capkit.testkit.HostileJson;
import dev.capkit.testkit.RawHttp;
import dev.capkit.twin.Profile;
import java.io.IOException;
import java.net.InetSocketAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the emulator's OpenAI-compatible HTTP API over a real socket with jqwik (fixed seed, bounded
 * tries; why jqwik: the root README, "Fuzzing"): malformed requests ({@link RawHttp}: odd methods,
 * traversal and oversized paths, broken framing) carrying a valid chat-completions body with one
 * hostile change ({@link HostileJson}: wrong types, huge or negative max_tokens, deep nesting,
 * missing fields) or raw bytes. The property: every request gets an HTTP answer that is not a 5xx
 * (or, for a request that cannot be framed, the connection is closed), within 10 s, and the server
 * still answers {@code GET /health} afterwards.
 */
class HttpApiFuzzTest {
  private static final String CHAT = "{\"model\":\"autoglm-phone-9b\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
      + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"max_tokens\":4,\"temperature\":0.0,\"top_p\":0.85,"
      + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
  private static EmbeddedEmulator emu;
  private static InetSocketAddress address;

  @BeforeContainer
  static void start() throws Exception {
    emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withProfile(Profile.INSTANT));
    address = new InetSocketAddress(emu.baseUri().getHost(), emu.baseUri().getPort());
  }

  @AfterContainer
  static void stop() {
    emu.close();
  }

  @Provide
  Arbitrary<RawHttp> requests() {
    Arbitrary<String> paths = Arbitraries.oneOf(Arbitraries.of("/v1/chat/completions", "/v1/completions", "/v1/models", "/health",
        "/metrics", "/v1/chat/completions?x=1", "/v1/chat/../models"), RawHttp.hostilePaths());
    return RawHttp.requests(paths, RawHttp.bodies(CHAT, CHAT.replace("\"stream\":true", "\"stream\":false")));
  }

  @Property(tries = 200, seed = "16")
  void everyRequestGetsAnAnswerThatIsNotAServerError(@ForAll("requests") RawHttp request) throws IOException {
    request.sendExpectingNoServerError(address, "/health");
  }
}
