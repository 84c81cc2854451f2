package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.SlowCloseToxic;
import org.junit.jupiter.api.Test;

class SlowCloseToxicTest {
  @Test
  void passesTheCloseLate() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("sc", Direction.UPSTREAM, new SlowCloseToxic(300)));
      Probe p = new Probe(netem.listenAddress());
      p.roundTripMs(10);
      assertEquals(1, echo.openConnections());
      long t0 = System.nanoTime();
      p.close();
      Thread.sleep(150);
      assertEquals(1, echo.openConnections(), "upstream still open 150 ms after the client closed");
      assertTrue(ToxicTests.eventually(1000, () -> echo.openConnections() == 0));
      long ms = ToxicTests.ms(t0);
      // closed 300 ms late; tolerance +500 ms for polling and scheduling on a loaded machine
      assertTrue(ms >= 295 && ms < 800, "upstream closed after " + ms + " ms");
    }
  }
}
