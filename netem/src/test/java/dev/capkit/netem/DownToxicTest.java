package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.DownToxic;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class DownToxicTest {
  @Test
  void disablingRefusesConnectsResetsOpenOnesAndEnablingRebindsTheSamePort() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      var address = netem.listenAddress();
      Probe open = new Probe(address);
      open.roundTripMs(10);
      netem.proxy().setEnabled(false);
      assertThrows(ConnectException.class, () -> new Probe(address).close(), "refused while down");
      assertThrows(IOException.class, () -> {
        open.roundTripMs(10);
        open.roundTripMs(10);
      }, "the open connection was reset");
      open.close();
      netem.proxy().setEnabled(true);
      assertEquals(address, netem.listenAddress());
      try (Probe p = new Probe(address)) {
        assertTrue(p.roundTripMs(10) < 50);
      }
    }
  }

  @Test
  void aOneShotOutageEndsByItself() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      var address = netem.listenAddress();
      netem.proxy().addToxic(ToxicTests.spec("out", Direction.DOWNSTREAM, new DownToxic(300, 0)));
      assertThrows(ConnectException.class, () -> new Probe(address).close());
      long t0 = System.nanoTime();
      assertTrue(ToxicTests.eventually(1000, () -> {
        try (Probe p = new Probe(address)) {
          return p.roundTripMs(1) >= 0;
        } catch (IOException e) {
          return false;
        }
      }));
      long ms = ToxicTests.ms(t0);
      assertTrue(ms < 1500, "back after " + ms + " ms (300 ms outage, +1.2 s tolerance)");
    }
  }

  @Test
  void periodicScheduleArithmetic() {
    DownToxic flap = new DownToxic(2000, 30000);
    long ms = 1_000_000L;
    assertTrue(flap.isDown(0));
    assertTrue(flap.isDown(1999 * ms));
    assertFalse(flap.isDown(2000 * ms));
    assertEquals(2000 * ms, flap.nextChange(0));
    assertEquals(30000 * ms, flap.nextChange(2000 * ms));
    assertTrue(flap.isDown(30500 * ms));
    assertEquals(Long.MAX_VALUE, new DownToxic(0, 0).nextChange(5));
  }
}
