package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.ConnectLatencyToxic;
import org.junit.jupiter.api.Test;

class ConnectLatencyToxicTest {
  @Test
  void aNewConnectionPaysOnceAndReusedOnesDoNot() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("hs", Direction.UPSTREAM, new ConnectLatencyToxic(100, 0)));
      try (Probe p = new Probe(netem.listenAddress())) {
        double first = p.roundTripMs(10);
        double second = p.medianRoundTripMs(5, 10);
        // +100 ms on the first exchange only; tolerance +150 ms (one sample, loaded CI)
        assertTrue(first >= 99 && first < 250, "first " + first);
        assertTrue(second < 50, "reused " + second);
      }
    }
  }
}
