package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.ResetPeerToxic;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ResetPeerToxicTest {
  @Test
  void resetsTheConnectionMidStream() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("rp", Direction.DOWNSTREAM, new ResetPeerToxic(200)));
      try (Probe p = new Probe(netem.listenAddress())) {
        long t0 = System.nanoTime();
        int echoed = 0;
        IOException failure = null;
        try {
          for (int i = 0; i < 200; i++) {
            p.roundTripMs(10);   // data keeps flowing until the reset
            echoed++;
            Thread.sleep(5);
          }
        } catch (IOException e) {
          failure = e;
        }
        long ms = ToxicTests.ms(t0);
        assertTrue(failure != null, "the stream broke");
        assertTrue(failure.getMessage() != null && failure.getMessage().toLowerCase().contains("reset")
            || failure.getMessage().contains("short echo"), "reset seen: " + failure);
        assertTrue(echoed >= 5, "data flowed before the reset: " + echoed);
        // reset 200 ms after the first downstream bytes; tolerance +800 ms (the client notices at its next read; loaded CI)
        assertTrue(ms >= 195 && ms < 1000, "reset after " + ms + " ms");
      }
      assertTrue(ToxicTests.eventually(1000, () -> netem.proxy().connectionCount() == 0 && echo.openConnections() == 0));
    }
  }
}
