package dev.capkit.netem.toxic;

import java.util.Map;
import java.util.Set;

/**
 * {@code limit_data}: passes the first {@code bytes} bytes of the direction, then closes the connection
 * (FIN after the last byte); anything beyond the limit is dropped. The count starts when the toxic
 * reaches the connection.
 */
public record LimitDataToxic(long bytes) implements Toxic {
  public static final String TYPE = "limit_data";

  public LimitDataToxic {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes >= 0");
    }
  }

  public static LimitDataToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("bytes"));
    return new LimitDataToxic(a.integer("bytes", 0, 0, Long.MAX_VALUE));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    return Map.of("bytes", bytes);
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    return new ToxicStage() {
      private long passed;
      private boolean ended;

      @Override
      public void onData(Segment segment, SegmentSink next) {
        long remaining = bytes - passed;
        if (ended || remaining <= 0) {
          segment.data().release();
          endOnce(segment.due(), next);
          return;
        }
        if (segment.length() <= remaining) {
          passed += segment.length();
          next.accept(segment);
        } else {
          next.accept(Segment.data(segment.data().readRetainedSlice((int) remaining), segment.due()));
          segment.data().release();
          passed = bytes;
        }
        if (passed >= bytes) {
          endOnce(segment.due(), next);
        }
      }

      @Override
      public void onFin(Segment fin, SegmentSink next) {
        endOnce(fin.due(), next);
      }

      private void endOnce(long due, SegmentSink next) {
        if (!ended) {
          ended = true;
          next.accept(Segment.fin(due));
        }
      }
    };
  }
}
