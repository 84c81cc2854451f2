package dev.capkit.netem.toxic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code latency}: every chunk leaves {@code latency} ms (+/- jitter) after it arrived. The delay is a
 * due time, not a sleep: later chunks keep arriving and each waits only its own delay, so a stream's
 * throughput is not capped at one chunk per delay. Order is kept (a chunk drawn shorter than its
 * predecessor's leaves right after it), as TCP would. With {@code correlation} c in [0, 1) each jitter
 * is {@code c * previous + (1 - c) * fresh}, like tc-netem's correlation. The stream's end (FIN)
 * travels with the mean latency.
 *
 * <pre>{@code
 * {"type": "latency", "stream": "downstream", "attributes": {"latency": 10, "jitter": 1, "distribution": "normal"}}
 * }</pre>
 */
public record LatencyToxic(long latency, long jitter, JitterDistribution distribution, double correlation) implements Toxic {
  public static final String TYPE = "latency";
  private static final Set<String> KNOWN = Set.of("latency", "jitter", "distribution", "correlation");

  public LatencyToxic {
    if (latency < 0 || jitter < 0 || !(correlation >= 0 && correlation < 1)) {
      throw new IllegalArgumentException("latency and jitter >= 0, correlation in [0, 1)");
    }
  }

  public static LatencyToxic from(ToxicAttributes a) {
    a.only(TYPE, KNOWN);
    return new LatencyToxic(a.integer("latency", 0, 0, 3_600_000), a.integer("jitter", 0, 0, 3_600_000),
        JitterDistribution.parse(a.choice("distribution", "uniform", Set.of("uniform", "normal", "pareto"))),
        a.number("correlation", 0, 0, 0.999));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("latency", latency);
    m.put("jitter", jitter);
    m.put("distribution", distribution.key());
    m.put("correlation", correlation);
    return m;
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    return new ToxicStage() {
      private double last;

      @Override
      public void onData(Segment segment, SegmentSink next) {
        double deviation = distribution.sample(context.random(), jitter);
        if (correlation > 0) {
          deviation = correlation * last + (1 - correlation) * deviation;
        }
        last = deviation;
        double ms = Math.max(0.0, latency + deviation);
        next.accept(segment.delayedBy(Math.round(ms * 1_000_000.0)));
      }

      @Override
      public void onFin(Segment fin, SegmentSink next) {
        next.accept(fin.delayedBy(latency * 1_000_000L));
      }
    };
  }
}
