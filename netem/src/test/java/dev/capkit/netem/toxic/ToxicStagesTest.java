package dev.capkit.netem.toxic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each stage's arithmetic on a virtual clock: due times, slicing, drops and timers, exact to the
 * nanosecond (no wall clock involved). Also checks every buffer is released exactly once.
 */
class ToxicStagesTest {
  private final VirtualContext ctx = new VirtualContext();
  private final List<Segment> out = new ArrayList<>();
  private final List<ByteBuf> made = new ArrayList<>();

  private Segment chunk(int bytes) {
    ByteBuf b = Unpooled.buffer(bytes).writeZero(bytes);
    made.add(b);
    return Segment.data(b, ctx.nanoTime());
  }

  private void releaseOut() {
    for (Segment s : out) {
      if (!s.isFin()) {
        s.data().release();
      }
    }
    for (ByteBuf b : made) {
      assertEquals(0, b.refCnt(), "every buffer released exactly once");
    }
  }

  @Test
  void latencyDelaysEachChunkFromItsOwnArrival() {
    ToxicStage s = new LatencyToxic(20, 0, JitterDistribution.UNIFORM, 0).open(ctx);
    Segment a = chunk(10);
    s.onData(a, out::add);
    ctx.advanceMs(3);
    Segment b = chunk(10);
    s.onData(b, out::add);
    assertEquals(a.due() + 20_000_000L, out.get(0).due());
    assertEquals(b.due() + 20_000_000L, out.get(1).due(), "the second chunk is not queued behind the first one's delay");
    s.onFin(Segment.fin(ctx.nanoTime()), out::add);
    assertEquals(ctx.nanoTime() + 20_000_000L, out.get(2).due());
    releaseOut();
  }

  @Test
  void correlatedJitterMovesSlowly() {
    ToxicStage s = new LatencyToxic(50, 10, JitterDistribution.UNIFORM, 0.9).open(ctx);
    double maxStep = 0;
    long prev = -1;
    for (int i = 0; i < 200; i++) {
      Segment c = chunk(1);
      s.onData(c, out::add);
      long delay = out.get(i).due() - c.due();
      assertTrue(delay >= 40_000_000L && delay <= 60_000_000L, "within latency +/- jitter: " + delay);
      if (prev >= 0) {
        maxStep = Math.max(maxStep, Math.abs(delay - prev));
      }
      prev = delay;
    }
    // each step moves at most (1 - 0.9) x (full range 20 ms) = 2 ms
    assertTrue(maxStep <= 2_000_001, "largest step " + maxStep);
    releaseOut();
  }

  @Test
  void bandwidthSpacesPiecesAtTheRate() {
    ToxicStage s = new BandwidthToxic(10).open(ctx);   // 10 KB/s: 1,000 bytes per 100 ms piece
    Segment c = chunk(2500);
    s.onData(c, out::add);
    assertEquals(3, out.size());
    assertEquals(List.of(1000, 1000, 500), out.stream().map(Segment::length).toList());
    assertEquals(c.due() + 100_000_000L, out.get(0).due());
    assertEquals(c.due() + 200_000_000L, out.get(1).due());
    assertEquals(c.due() + 250_000_000L, out.get(2).due());
    Segment next = chunk(100);   // arrives while the link is still busy
    s.onData(next, out::add);
    assertEquals(c.due() + 260_000_000L, out.get(3).due());
    releaseOut();
  }

  @Test
  void slicerCutsAndSpaces() {
    ToxicStage s = new SlicerToxic(100, 0, 500).open(ctx);   // 500 us apart
    Segment c = chunk(350);
    s.onData(c, out::add);
    assertEquals(List.of(100, 100, 100, 50), out.stream().map(Segment::length).toList());
    for (int i = 0; i < 4; i++) {
      assertEquals(c.due() + i * 500_000L, out.get(i).due());
    }
    releaseOut();
  }

  @Test
  void limitDataTruncatesThenEnds() {
    ToxicStage s = new LimitDataToxic(150).open(ctx);
    s.onData(chunk(100), out::add);
    s.onData(chunk(100), out::add);
    s.onData(chunk(100), out::add);
    assertEquals(List.of(100, 50, 0), out.stream().map(Segment::length).toList());
    assertTrue(out.get(2).isFin());
    releaseOut();
  }

  @Test
  void stallHoldsAShareForOneRto() {
    ToxicStage s = new StallToxic(0.25, 200).open(ctx);
    int held = 0;
    for (int i = 0; i < 4000; i++) {
      Segment c = chunk(1);
      s.onData(c, out::add);
      long d = out.get(i).due() - c.due();
      assertTrue(d == 0 || d == 200_000_000L);
      held += d > 0 ? 1 : 0;
    }
    assertEquals(0.25, held / 4000.0, 0.03);
    releaseOut();
  }

  @Test
  void timeoutDropsDataAndClosesWhenDue() {
    ToxicStage s = new TimeoutToxic(100).open(ctx);
    s.onData(chunk(10), out::add);
    assertTrue(out.isEmpty());
    ctx.advanceMs(99);
    assertEquals(0, ctx.closes);
    ctx.advanceMs(1);
    assertEquals(1, ctx.closes);
    releaseOut();
  }

  @Test
  void resetPeerFiresAfterTheFirstDataAndPassesDataUntilThen() {
    ToxicStage s = new ResetPeerToxic(50).open(ctx);
    ctx.advanceMs(500);
    assertEquals(0, ctx.resets, "no data yet, no timer");
    s.onData(chunk(10), out::add);
    ctx.advanceMs(30);
    s.onData(chunk(10), out::add);
    assertEquals(2, out.size());
    ctx.advanceMs(20);
    assertEquals(1, ctx.resets);
    releaseOut();
  }

  @Test
  void slowCloseDelaysOnlyTheEnd() {
    ToxicStage s = new SlowCloseToxic(300).open(ctx);
    Segment c = chunk(5);
    s.onData(c, out::add);
    s.onFin(Segment.fin(ctx.nanoTime()), out::add);
    assertEquals(c.due(), out.get(0).due());
    assertEquals(ctx.nanoTime() + 300_000_000L, out.get(1).due());
    releaseOut();
  }
}
