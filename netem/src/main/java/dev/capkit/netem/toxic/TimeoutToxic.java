package dev.capkit.netem.toxic;

import java.util.Map;
import java.util.Set;

/**
 * {@code timeout}: the direction goes silent: data is read and dropped (a black hole, as toxiproxy),
 * and the connection is closed {@code timeout} ms after the toxic reached it, or never when 0. Removing
 * the toxic closes the connections it touched, because bytes were dropped and the stream cannot go on.
 */
public record TimeoutToxic(long timeout) implements Toxic {
  public static final String TYPE = "timeout";

  public TimeoutToxic {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout >= 0");
    }
  }

  public static TimeoutToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("timeout"));
    return new TimeoutToxic(a.integer("timeout", 0, 0, 86_400_000));
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
    ToxicContext.Cancellable timer = timeout > 0 ? context.schedule(context::close, timeout * 1_000_000L) : null;
    return new ToxicStage() {
      @Override
      public void onData(Segment segment, SegmentSink next) {
        segment.data().release();
      }

      @Override
      public void onRemoved() {
        context.close();
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
