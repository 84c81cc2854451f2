package dev.capkit.netem;

import dev.capkit.testkit.HostileJson;
import dev.capkit.testkit.RawHttp;
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
 * Fuzzes netem's toxiproxy-compatible control API over a real socket with jqwik (fixed seed, bounded
 * tries; why jqwik: the root README, "Fuzzing"): malformed requests ({@link RawHttp}: odd methods,
 * traversal and oversized paths, broken framing) carrying valid proxy and toxic bodies with one
 * hostile change ({@link HostileJson}) or raw bytes. The property: every request gets an HTTP answer
 * that is not a 5xx (or, for a request that cannot be framed, the connection is closed), within 10 s,
 * and the API still answers {@code GET /version} afterwards.
 */
class ControlApiFuzzTest {
  private static final String PROXY = "{\"name\":\"p1\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\",\"enabled\":true}";
  private static final String TOXIC = "{\"name\":\"lag\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":1.0,"
      + "\"attributes\":{\"latency\":10,\"jitter\":1}}";
  private static EchoServer echo;
  private static EmbeddedNetem netem;
  private static InetSocketAddress api;

  @BeforeContainer
  static void start() throws IOException {
    echo = new EchoServer();
    netem = EmbeddedNetem.start(echo.address());
    api = netem.startApi(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterContainer
  static void stop() throws IOException {
    netem.close();
    echo.close();
  }

  @Provide
  Arbitrary<RawHttp> requests() {
    Arbitrary<String> paths = Arbitraries.oneOf(Arbitraries.of("/version", "/proxies", "/proxies/capkit", "/proxies/capkit/toxics",
        "/proxies/capkit/toxics/lag", "/proxies/p1", "/reset", "/populate", "/proxies/capkit/toxics/../../..", "/proxies/%2F"),
        RawHttp.hostilePaths());
    return RawHttp.requests(paths, RawHttp.bodies(PROXY, TOXIC, "[" + PROXY + "]"));
  }

  @Property(tries = 200, seed = "16")
  void everyRequestGetsAnAnswerThatIsNotAServerError(@ForAll("requests") RawHttp request) throws IOException {
    request.sendExpectingNoServerError(api, "/version");
  }
}
