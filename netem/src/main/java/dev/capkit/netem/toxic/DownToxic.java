package dev.capkit.netem.toxic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code down} (capkit; toxiproxy does this with {@code enabled=false}): the proxy is down (its listener
 * closed, so new connects are refused, and open connections reset) from the moment the toxic is added,
 * for {@code duration} ms, repeating every {@code period} ms. {@code duration} 0 means down for as long
 * as the toxic is present; {@code period} 0 means once. Down 2 s every 30 s is a flapping upstream.
 * {@code stream} and {@code toxicity} do not apply: the whole proxy goes down.
 */
public record DownToxic(long duration, long period) implements OutageToxic {
  public static final String TYPE = "down";

  public DownToxic {
    if (duration < 0 || period < 0 || (period > 0 && duration >= period)) {
      throw new IllegalArgumentException("duration, period >= 0 and duration < period when periodic");
    }
  }

  public static DownToxic from(ToxicAttributes a) {
    a.only(TYPE, Set.of("duration", "period"));
    long duration = a.integer("duration", 0, 0, 86_400_000);
    long period = a.integer("period", 0, 0, 86_400_000);
    if (period > 0 && (duration == 0 || duration >= period)) {
      throw new ToxicSettingException("attributes.duration",
          "expected a number in [1, period " + period + ") for a periodic outage, found number " + duration);
    }
    return new DownToxic(duration, period);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, Object> attributes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("duration", duration);
    m.put("period", period);
    return m;
  }

  @Override
  public boolean isDown(long elapsedNanos) {
    long d = duration * 1_000_000L;
    if (duration == 0) {
      return true;
    }
    if (period == 0) {
      return elapsedNanos < d;
    }
    return elapsedNanos % (period * 1_000_000L) < d;
  }

  @Override
  public long nextChange(long elapsedNanos) {
    long d = duration * 1_000_000L;
    if (duration == 0) {
      return Long.MAX_VALUE;
    }
    if (period == 0) {
      return elapsedNanos < d ? d : Long.MAX_VALUE;
    }
    long p = period * 1_000_000L;
    long base = elapsedNanos / p * p;
    return elapsedNanos - base < d ? base + d : base + p;
  }

  @Override
  public ToxicStage open(ToxicContext context) {
    return ToxicStage.PASS;
  }
}
