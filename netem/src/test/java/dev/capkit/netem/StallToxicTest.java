package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.StallToxic;
import org.junit.jupiter.api.Test;

class StallToxicTest {
  @Test
  void holdsAShareOfChunksForOneRto() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("loss", Direction.UPSTREAM, new StallToxic(0.3, 40)));
      try (Probe p = new Probe(netem.listenAddress())) {
        int stalled = 0;
        int n = 60;
        for (int i = 0; i < n; i++) {
          double ms = p.roundTripMs(10);
          if (ms >= 39) {
            stalled++;
            assertTrue(ms < 150, "a stall lasts one 40 ms RTO (+110 ms tolerance), took " + ms);
          }
        }
        // p = 0.3 of 60 -> 18 expected; binomial sd 3.5: accept 6..30
        assertTrue(stalled >= 6 && stalled <= 30, stalled + " of " + n + " stalled");
      }
    }
  }
}
