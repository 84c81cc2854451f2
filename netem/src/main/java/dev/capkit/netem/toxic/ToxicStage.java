package dev.capkit.netem.toxic;

/**
 * A toxic's state on one connection in one direction. Stages run on the connection's event loop (no
 * locks), are chained in the order the toxics were added, and see each segment once, at ingress.
 * A stage either passes a segment on (possibly later, sliced or truncated) or, when dropping data is
 * the toxic's meaning (timeout, reset_peer, limit_data), releases its buffer.
 */
public interface ToxicStage {

  /** A stage that changes nothing (a toxic not drawn for this connection, or a proxy-level toxic). */
  ToxicStage PASS = (segment, next) -> next.accept(segment);

  /** One data segment entered this stage. */
  void onData(Segment segment, SegmentSink next);

  /** The stream's end entered this stage; by default it passes unchanged. */
  default void onFin(Segment fin, SegmentSink next) {
    next.accept(fin);
  }

  /** The toxic was removed from a live connection (not merely changed); called before {@link #stop()}. */
  default void onRemoved() {}

  /** The toxic was removed or changed, or the connection closed: cancel timers. Held data is never dropped here. */
  default void stop() {}
}
