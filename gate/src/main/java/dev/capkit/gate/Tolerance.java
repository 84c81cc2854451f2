package dev.capkit.gate;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * How much worse each metric may get before the gate calls it a regression (if the change is also
 * credible). Latency p99s take a relative change ({@code 10%}); error rate and goodput take
 * percentage points ({@code 0.5pp}). {@code p99=} sets all three latency metrics at once; a
 * specific key ({@code ttft.p99=}) wins over it whatever the order.
 *
 * <pre>{@code
 * Tolerance t = Tolerance.parse("p99=10%,ttft.p99=15%,errors=0.5pp");
 * t.of(GatedMetric.TTFT_P99)   // 0.15
 * }</pre>
 */
public record Tolerance(Map<GatedMetric, Double> limits) {
  /** Defaults: p99 +10%, errors +0.5 pp, goodput -5 pp. */
  public static final String DEFAULT = "p99=10%,errors=0.5pp,goodput=5pp";

  public Tolerance {
    limits = Map.copyOf(limits);
  }

  public static Tolerance defaults() {
    return parse(DEFAULT);
  }

  public double of(GatedMetric m) {
    return limits.get(m);
  }

  /** Parses {@code key=value,...} over the defaults; errors name the flag, the entry and what is expected. */
  public static Tolerance parse(String spec) {
    Map<GatedMetric, Double> out = new EnumMap<>(GatedMetric.class);
    if (!spec.equals(DEFAULT)) {
      out.putAll(defaults().limits());
    }
    Map<GatedMetric, Double> specific = new EnumMap<>(GatedMetric.class);
    Double all = null;
    for (String entry : spec.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("--tolerance: '" + e + "': expected key=value, e.g. p99=10% or errors=0.5pp");
      }
      String key = e.substring(0, eq).trim();
      String value = e.substring(eq + 1).trim();
      if (key.equals("p99")) {
        all = percent(e, value);
        continue;
      }
      GatedMetric m;
      try {
        m = GatedMetric.ofKey(key);
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException("--tolerance: '" + e + "': " + x.getMessage().replace("(known: ", "(known: p99, "));
      }
      specific.put(m, m.latency() ? percent(e, value) : points(e, value));
    }
    if (all != null) {
      out.put(GatedMetric.E2E_P99, all);
      out.put(GatedMetric.TTFT_P99, all);
      out.put(GatedMetric.TPOT_P99, all);
    }
    out.putAll(specific);
    return new Tolerance(out);
  }

  private static double percent(String entry, String value) {
    if (!value.endsWith("%")) {
      throw new IllegalArgumentException("--tolerance: '" + entry + "': a latency tolerance is a relative change such as 10%");
    }
    return number(entry, value.substring(0, value.length() - 1)) / 100;
  }

  private static double points(String entry, String value) {
    if (!value.endsWith("pp")) {
      throw new IllegalArgumentException("--tolerance: '" + entry + "': a rate tolerance is in percentage points such as 0.5pp");
    }
    return number(entry, value.substring(0, value.length() - 2)) / 100;
  }

  private static double number(String entry, String text) {
    double v;
    try {
      v = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--tolerance: '" + entry + "': '" + text + "' is not a number");
    }
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("--tolerance: '" + entry + "': must be a finite number >= 0, got " + text);
    }
    return v;
  }

  /** The tolerance as written, e.g. {@code +10%} or {@code +0.5pp}. */
  public String describe(GatedMetric m) {
    double v = of(m) * 100;
    String sign = m == GatedMetric.GOODPUT ? "-" : "+";
    return sign + String.format(Locale.ROOT, "%s", trim(v)) + (m.latency() ? "%" : "pp");
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
  }
}
