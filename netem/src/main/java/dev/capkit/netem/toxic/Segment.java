package dev.capkit.netem.toxic;

import io.netty.buffer.ByteBuf;

/**
 * One piece of a direction's byte stream on its way through a toxic chain: either data (a buffer the
 * holder owns and must pass on or release exactly once) or the end of the stream ({@code data == null},
 * a FIN), each with the earliest time, in {@link System#nanoTime()} units, at which it may leave the
 * proxy. Toxics add delay by moving {@code due} later; the pipe never lets a segment overtake an earlier one.
 *
 * <pre>{@code
 * next.accept(segment.delayedBy(20_000_000L));   // 20 ms later than it would otherwise leave
 * }</pre>
 */
public record Segment(ByteBuf data, long due) {

  /** A data segment due at {@code due}. */
  public static Segment data(ByteBuf data, long due) {
    if (data == null) {
      throw new IllegalArgumentException("data segment without a buffer");
    }
    return new Segment(data, due);
  }

  /** The end of the stream (graceful close), due at {@code due}. */
  public static Segment fin(long due) {
    return new Segment(null, due);
  }

  public boolean isFin() {
    return data == null;
  }

  /** Bytes carried (0 for a FIN). */
  public int length() {
    return data == null ? 0 : data.readableBytes();
  }

  public Segment delayedBy(long nanos) {
    return new Segment(data, due + nanos);
  }

  public Segment at(long newDue) {
    return new Segment(data, newDue);
  }
}
