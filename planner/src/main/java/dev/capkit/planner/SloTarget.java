package dev.capkit.planner;

import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.scenario.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One objective the sustainable rate must respect: a latency percentile under a limit
 * ({@code e2e.p99 = 8s}) or the error share under a limit ({@code errors = 0.1%}).
 *
 * <pre>{@code
 * List<SloTarget> slos = SloTarget.parseList("e2e.p99=8s,ttft.p99=3s,errors=0.1%");
 * }</pre>
 *
 * @param metric     {@code e2e}, {@code ttft}, {@code tpot}, {@code itl} or {@code errors}
 * @param percentile e.g. 99 (NaN for {@code errors})
 * @param limit      milliseconds for latency; a fraction (0.001 = 0.1%) for {@code errors}
 */
public record SloTarget(String metric, double percentile, double limit) {
  public static final String ERRORS = "errors";
  private static final List<String> LATENCY = List.of("e2e", "ttft", "tpot", "itl");

  public boolean isErrors() {
    return ERRORS.equals(metric);
  }

  /** As written on the command line, e.g. {@code e2e.p99} or {@code errors}. */
  public String key() {
    if (isErrors()) {
      return ERRORS;
    }
    String p = percentile == Math.rint(percentile) ? Long.toString((long) percentile) : Double.toString(percentile);
    return metric + ".p" + p;
  }

  /** Limit as a person would write it: {@code 8s}, {@code 0.1%}. */
  public String limitText() {
    return isErrors() ? String.format(Locale.ROOT, "%s%%", trim(limit * 100))
        : Durations.format(Duration.ofNanos(Math.round(limit * 1e6)));
  }

  /** {@code e2e.p99=8s,ttft.p99=3s,errors=0.1%}; errors name the entry and what was expected. */
  public static List<SloTarget> parseList(String text) {
    List<SloTarget> out = new ArrayList<>();
    for (String entry : text.split(",")) {
      if (!entry.isBlank()) {
        out.add(parse(entry.trim()));
      }
    }
    if (out.isEmpty()) {
      throw new PlanException("--slo: '" + text + "' holds no objective (e.g. e2e.p99=8s,ttft.p99=3s,errors=0.1%)");
    }
    return List.copyOf(out);
  }

  public static SloTarget parse(String entry) {
    int eq = entry.indexOf('=');
    if (eq < 0) {
      throw new PlanException("--slo: '" + entry + "' is not key=value (e.g. e2e.p99=8s or errors=0.1%)");
    }
    return of(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim(), "--slo");
  }

  /** The objectives a run was judged on (its scenario's {@code slo} and {@code maxErrorRate}). */
  public static List<SloTarget> fromScenario(ScenarioInfo scenario, String where) {
    List<SloTarget> out = new ArrayList<>();
    for (Map.Entry<String, String> e : scenario.slo().entrySet()) {
      out.add(of(e.getKey(), e.getValue(), where + ": field 'scenario.slo'"));
    }
    out.add(new SloTarget(ERRORS, Double.NaN, scenario.maxErrorRate()));
    return List.copyOf(out);
  }

  private static SloTarget of(String key, String value, String where) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.equals(ERRORS)) {
      String v = value.endsWith("%") ? value.substring(0, value.length() - 1) : value;
      try {
        double share = Double.parseDouble(v) / (value.endsWith("%") ? 100 : 1);
        if (!(share >= 0 && share <= 1)) {
          throw new NumberFormatException();
        }
        return new SloTarget(ERRORS, Double.NaN, share);
      } catch (NumberFormatException e) {
        throw new PlanException(where + ": errors='" + value + "': expected a share such as 0.1% or 0.001");
      }
    }
    int dot = k.indexOf(".p");
    String metric = dot < 0 ? k : k.substring(0, dot);
    if (dot < 0 || !LATENCY.contains(metric)) {
      throw new PlanException(where + ": unknown objective '" + key + "' (expected e2e|ttft|tpot|itl.pNN or errors)");
    }
    double percentile;
    try {
      percentile = Double.parseDouble(k.substring(dot + 2));
    } catch (NumberFormatException e) {
      throw new PlanException(where + ": objective '" + key + "': percentile '" + k.substring(dot + 2) + "' is not a number");
    }
    if (!(percentile > 0 && percentile < 100)) {
      throw new PlanException(where + ": objective '" + key + "': percentile must be in (0, 100), got " + percentile);
    }
    try {
      return new SloTarget(metric, percentile, Durations.parse(value).toNanos() / 1e6);
    } catch (IllegalArgumentException e) {
      throw new PlanException(where + ": objective '" + key + "': " + e.getMessage());
    }
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  @Override
  public String toString() {
    return key() + " <= " + limitText();
  }
}
