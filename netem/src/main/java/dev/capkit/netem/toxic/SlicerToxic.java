package dev.capkit.netem.toxic;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code slicer}: cuts each chunk into pieces of about {@code average_size} bytes (+/- {@code size_variation})
 * and spaces them {@code delay} microseconds apart, as a slow or fragmenting network delivers them.
 * Nothing is lost or reordered.
 */
public record SlicerToxic(int averageSize, int sizeVariation, long delay) implements Toxic {
  public static final String TYPE = "slicer";

  public SlicerToxic {
    if (averageSize < 1 || sizeVariation < 0 || sizeVariation >= averageSize || delay < 0) {
      throw new IllegalArgumentException("average_size >= 1, 0 <= size_variation < average_size, delay >= 0");
    }
  }

  public static SlicerToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("average_size", "size_variation", "delay"));
    int avg = (int) a.integer("average_size", 1, 1, 1 << 24);
    int variation = (int) a.integer("size_variation", 0, 0, 1 << 24);
    if (variation >= avg) {
      throw new ToxicSettingException("attributes.size_variation",
          "expected less than average_size " + avg + ", found number " + variation);
    }
    return new SlicerToxic(avg, variation, a.integer("delay", 0, 0, 60_000_000));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("average_size", averageSize);
    m.put("size_variation", sizeVariation);
    m.put("delay", delay);
    return m;
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    return (segment, next) -> {
      ByteBuf data = segment.data();
      long t = segment.due();
      while (true) {
        int size = averageSize + (sizeVariation == 0 ? 0 : context.random().nextInt(-sizeVariation, sizeVariation + 1));
        if (data.readableBytes() <= size) {
          next.accept(Segment.data(data, t));
          return;
        }
        next.accept(Segment.data(data.readRetainedSlice(size), t));
        t += delay * 1000L;
      }
    };
  }
}
