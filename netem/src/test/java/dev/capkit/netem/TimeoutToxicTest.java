package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.TimeoutToxic;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class TimeoutToxicTest {
  @Test
  void swallowsDataThenClosesAfterTheTimeout() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("to", Direction.UPSTREAM, new TimeoutToxic(300)));
      try (Probe p = new Probe(netem.listenAddress())) {
        long t0 = System.nanoTime();
        p.out.write(new byte[] {1, 2, 3});
        p.out.flush();
        assertEquals(-1, p.in.read(), "nothing echoed, then end of stream");
        long ms = ToxicTests.ms(t0);
        // closed 300 ms after the toxic reached the connection; tolerance -20 .. +500 ms
        assertTrue(ms >= 280 && ms < 800, "closed after " + ms + " ms");
      }
    }
  }

  @Test
  void zeroTimeoutHoldsTheConnectionOpenUntilRemoved() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("to", Direction.DOWNSTREAM, new TimeoutToxic(0)));
      try (Probe p = new Probe(netem.listenAddress())) {
        p.socket.setSoTimeout(300);
        p.out.write(new byte[] {1});
        p.out.flush();
        assertThrows(SocketTimeoutException.class, p.in::read, "a black hole: no reply, no close");
        p.socket.setSoTimeout(2000);
        netem.proxy().removeToxic("to");
        // toxiproxy closes connections whose stream a timeout toxic broke when it is removed
        assertEquals(-1, p.in.read());
      }
    }
  }
}
