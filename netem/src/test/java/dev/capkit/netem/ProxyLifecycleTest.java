package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.JitterDistribution;
import dev.capkit.netem.toxic.LatencyToxic;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connections are released when either side closes; toxicity picks a share of connections. */
class ProxyLifecycleTest {
  @Test
  void connectionsAreReleasedWhenTheClientCloses() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      List<Probe> probes = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Probe p = new Probe(netem.listenAddress());
        p.roundTripMs(4);
        probes.add(p);
      }
      assertEquals(50, netem.proxy().connectionCount());
      assertEquals(50, echo.openConnections());
      for (Probe p : probes) {
        p.close();
      }
      assertTrue(ToxicTests.eventually(2000, () -> netem.proxy().connectionCount() == 0 && echo.openConnections() == 0),
          "proxy " + netem.proxy().connectionCount() + ", upstream " + echo.openConnections());
    }
  }

  @Test
  void connectionsAreReleasedWhenTheUpstreamCloses() throws Exception {
    EchoServer echo = new EchoServer();
    try (EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      Probe p = new Probe(netem.listenAddress());
      p.roundTripMs(4);
      echo.close();   // closes the server's child channels too
      assertEquals(-1, p.in.read(), "the client sees the upstream's close");
      p.close();
      assertTrue(ToxicTests.eventually(2000, () -> netem.proxy().connectionCount() == 0));
    }
  }

  @Test
  void toxicityAppliesToAShareOfConnections() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(new ToxicSpec("half", Direction.DOWNSTREAM, 0.5, new LatencyToxic(30, 0, JitterDistribution.UNIFORM, 0)));
      int delayed = 0;
      for (int i = 0; i < 40; i++) {
        try (Probe p = new Probe(netem.listenAddress())) {
          if (p.roundTripMs(4) >= 29) {
            delayed++;
          }
        }
      }
      // 20 expected, binomial sd 3.2: accept 10..30
      assertTrue(delayed >= 10 && delayed <= 30, delayed + " of 40 delayed");
    }
  }
}
