package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capkit.netem.toxic.LimitDataToxic;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LimitDataToxicTest {
  @Test
  void passesTheFirstBytesThenCloses() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("ld", Direction.DOWNSTREAM, new LimitDataToxic(1000)));
      byte[] data = new byte[3000];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i * 7);
      }
      try (Probe p = new Probe(netem.listenAddress())) {
        p.out.write(data);
        p.out.flush();
        byte[] back = p.in.readAllBytes();
        assertEquals(1000, back.length);
        assertArrayEquals(Arrays.copyOf(data, 1000), back);
      }
    }
  }
}
