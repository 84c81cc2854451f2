package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.BandwidthToxic;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BandwidthToxicTest {
  @Test
  void capsTheRateOfADirection() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("bw", Direction.DOWNSTREAM, new BandwidthToxic(100)));   // 100 KB/s
      byte[] data = new byte[50_000];
      new Random(1).nextBytes(data);
      try (Probe p = new Probe(netem.listenAddress())) {
        long t0 = System.nanoTime();
        p.out.write(data);
        p.out.flush();
        byte[] back = p.in.readNBytes(data.length);
        long ms = ToxicTests.ms(t0);
        assertArrayEquals(data, back);
        // 50 kB at 100 kB/s = 500 ms; tolerance -5% .. +100% (scheduling, loopback echo, loaded CI)
        assertTrue(ms >= 475 && ms < 1000, "took " + ms + " ms");
      }
    }
  }
}
