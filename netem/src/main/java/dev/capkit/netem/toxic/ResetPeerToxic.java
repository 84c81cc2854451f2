package dev.capkit.netem.toxic;

import java.util.Map;
import java.util.Set;

/**
 * {@code reset_peer}: {@code timeout} ms after the first data the toxic sees on a connection, both sides
 * get a TCP RST (connection reset by peer). Unlike toxiproxy, which swallows data while it waits, data
 * keeps flowing until the reset, so a downstream reset_peer cuts a streamed response in the middle.
 */
public record ResetPeerToxic(long timeout) implements Toxic {
  public static final String TYPE = "reset_peer";

  public ResetPeerToxic {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout >= 0");
    }
  }

  public static ResetPeerToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("timeout"));
    return new ResetPeerToxic(a.integer("timeout", 0, 0, 86_400_000));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    return Map.of("timeout", timeout);
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    return new ToxicStage() {
      private ToxicContext.Cancellable timer;

      @Override
      public void onData(Segment segment, SegmentSink next) {
        if (timeout == 0) {
          segment.data().release();
          context.reset();
          return;
        }
        if (timer == null) {
          timer = context.schedule(context::reset, timeout * 1_000_000L);
        }
        next.accept(segment);
      }

      @Override
      public void stop() {
        if (timer != null) {
          timer.cancel();
        }
      }
    };
  }
}
