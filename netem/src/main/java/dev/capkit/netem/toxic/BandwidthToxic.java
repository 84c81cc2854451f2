package dev.capkit.netem.toxic;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.Set;

/**
 * {@code bandwidth}: the direction carries at most {@code rate} KB/s (1 KB = 1000 bytes, as toxiproxy).
 * A chunk is cut into 100 ms pieces, each due when the link would have finished sending it, so bytes
 * trickle out at the rate instead of leaving in bursts. Rate 0 means unlimited.
 */
public record BandwidthToxic(long rate) implements Toxic {
  public static final String TYPE = "bandwidth";

  public BandwidthToxic {
    if (rate < 0) {
      throw new IllegalArgumentException("rate >= 0");
    }
  }

  public static BandwidthToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("rate"));
    return new BandwidthToxic(a.integer("rate", 0, 0, 100_000_000));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    return Map.of("rate", rate);
  }

  /** Nanoseconds to send {@code bytes} at this rate. */
  long transmitNanos(long bytes) {
    // rate KB/s = rate bytes per ms
    return bytes * 1_000_000L / rate;
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    if (rate == 0) {
      return ToxicStage.PASS;
    }
    long piece = Math.max(1, rate * 100);   // 100 ms of bytes
    return new ToxicStage() {
      private long linkFreeAt = Long.MIN_VALUE;

      @Override
      public void onData(Segment segment, SegmentSink next) {
        ByteBuf data = segment.data();
        long t = linkFreeAt == Long.MIN_VALUE ? segment.due() : Math.max(segment.due(), linkFreeAt);
        while (data.readableBytes() > piece) {
          ByteBuf part = data.readRetainedSlice((int) piece);
          t += transmitNanos(piece);
          next.accept(Segment.data(part, t));
        }
        t += transmitNanos(data.readableBytes());
        linkFreeAt = t;
        next.accept(Segment.data(data, t));
      }
    };
  }
}
