package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.SlicerToxic;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class SlicerToxicTest {
  @Test
  void deliversSmallSpacedPiecesIntact() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(ToxicTests.spec("slice", Direction.DOWNSTREAM, new SlicerToxic(10, 3, 2000)));   // 2 ms apart
      byte[] data = new byte[200];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) i;
      }
      try (Probe p = new Probe(netem.listenAddress())) {
        long t0 = System.nanoTime();
        p.out.write(data);
        p.out.flush();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int reads = 0;
        byte[] buf = new byte[4096];
        while (got.size() < data.length) {
          int n = p.in.read(buf);
          got.write(buf, 0, n);
          reads++;
        }
        long ms = ToxicTests.ms(t0);
        assertArrayEquals(data, got.toByteArray());
        // ~200/10 = 20 pieces (7..13 bytes) 2 ms apart: >= 14 pieces, so >= 26 ms; most arrive as separate reads
        assertTrue(ms >= 26, "took " + ms + " ms");
        assertTrue(reads >= 8, "arrived in " + reads + " reads");
      }
    }
  }
}
