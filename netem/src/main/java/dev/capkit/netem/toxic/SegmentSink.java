package dev.capkit.netem.toxic;

/** Where a toxic stage passes segments on: the next stage, or the pipe's ordered delivery queue. */
@FunctionalInterface
public interface SegmentSink {
  void accept(Segment segment);
}
