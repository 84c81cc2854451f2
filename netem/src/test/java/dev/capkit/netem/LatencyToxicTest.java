package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.netem.toxic.JitterDistribution;
import dev.capkit.netem.toxic.LatencyToxic;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** latency on loopback through a real echo server, measured clock. Tolerances are stated per assertion. */
class LatencyToxicTest {

  static ToxicSpec latency(String name, Direction d, long ms) {
    return new ToxicSpec(name, d, 1.0, new LatencyToxic(ms, 0, JitterDistribution.UNIFORM, 0));
  }

  @Test
  void addsTheConfiguredDelayToEachRoundTrip() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address());
         Probe p = new Probe(netem.listenAddress())) {
      double base = p.fastestRoundTripMs(20, 100);
      netem.proxy().addToxic(latency("down", Direction.DOWNSTREAM, 15));
      netem.proxy().addToxic(latency("up", Direction.UPSTREAM, 5));
      Thread.sleep(20);   // the change reaches the live connection via its event loop
      double delayed = p.fastestRoundTripMs(10, 100);
      // 20 ms added; tolerance 0 .. +3 ms for timer wake-up (fastest of 10 tries: load only adds)
      double added = delayed - base;
      assertTrue(added >= 19.9 && added < 23, "added " + added + " ms");
      netem.proxy().removeToxic("down");
      netem.proxy().removeToxic("up");
      Thread.sleep(20);
      assertTrue(p.fastestRoundTripMs(10, 100) < base + 2, "latency gone after removal");
    }
  }

  @Test
  void delaysEachChunkWithoutSerializingLaterOnes() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().addToxic(latency("down", Direction.DOWNSTREAM, 50));
      try (Probe p = new Probe(netem.listenAddress())) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
          p.out.write(new byte[] {(byte) i});
          p.out.flush();
          Thread.sleep(3);
        }
        byte[] back = p.in.readNBytes(10);
        double ms = (System.nanoTime() - t0) / 1e6;
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, back);
        // serialized behind a sleep this would take >= 500 ms; scheduled it is ~50 + 10 x 3 ms
        assertTrue(ms >= 50 && ms < 400, "took " + ms + " ms");
      }
    }
  }

  @Test
  void keepsEveryByteInOrderUnderJitter() throws Exception {
    try (EchoServer echo = new EchoServer(); EmbeddedNetem netem = EmbeddedNetem.start(echo.address())) {
      netem.proxy().setToxics(List.of(
          new ToxicSpec("j1", Direction.UPSTREAM, 1.0, new LatencyToxic(3, 3, JitterDistribution.NORMAL, 0.3)),
          new ToxicSpec("j2", Direction.DOWNSTREAM, 1.0, new LatencyToxic(2, 2, JitterDistribution.PARETO, 0))));
      byte[] data = new byte[3 << 20];
      new Random(7).nextBytes(data);
      try (Probe p = new Probe(netem.listenAddress())) {
        Thread writer = new Thread(() -> {
          try {
            p.out.write(data);
            p.out.flush();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
        writer.start();
        byte[] back = p.in.readNBytes(data.length);
        writer.join();
        assertArrayEquals(data, back, "3 MiB echoed intact and in order");
      }
    }
  }

  @Test
  void jitterDistributionsHaveTheStatedMeanAndSpread() {
    var r = new java.util.SplittableRandom(3);
    for (JitterDistribution d : JitterDistribution.values()) {
      double sum = 0;
      double sq = 0;
      int n = 200_000;
      for (int i = 0; i < n; i++) {
        double x = d.sample(r, 4.0);
        sum += x;
        sq += x * x;
      }
      double mean = sum / n;
      double sd = Math.sqrt(sq / n - mean * mean);
      assertEquals(0.0, mean, 0.05, d + " mean");
      // uniform on [-4, 4] has sd 4/sqrt(3); normal and pareto are scaled to sd 4 (pareto's tail converges slowly: 10%)
      double expected = d == JitterDistribution.UNIFORM ? 4 / Math.sqrt(3) : 4.0;
      assertEquals(expected, sd, expected * 0.1, d + " sd");
    }
  }
}
