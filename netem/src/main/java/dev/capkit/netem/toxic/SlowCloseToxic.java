package dev.capkit.netem.toxic;

import java.util.Map;
import java.util.Set;

/** {@code slow_close}: the stream's end (FIN) is passed on {@code delay} ms late; data is untouched. */
public record SlowCloseToxic(long delay) implements Toxic {
  public static final String TYPE = "slow_close";

  public SlowCloseToxic {
    if (delay < 0) {
      throw new IllegalArgumentException("delay >= 0");
    }
  }

  public static SlowCloseToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("delay"));
    return new SlowCloseToxic(a.integer("delay", 0, 0, 3_600_000));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    return Map.of("delay", delay);
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    return new ToxicStage() {
      @Override
      public void onData(Segment segment, SegmentSink next) {
        next.accept(segment);
      }

      @Override
      public void onFin(Segment fin, SegmentSink next) {
        next.accept(fin.delayedBy(delay * 1_000_000L));
      }
    };
  }
}
