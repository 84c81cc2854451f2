package dev.capkit.core.scenario;

import dev.capkit.core.search.SearchSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code load.search} (a capacity search instead of a fixed ladder) and its command-line
 * overrides {@code -Dcapkit.search.<field>=value}. Fields, all optional:
 * <pre>
 * "search": { "start": 0.5, "growth": 2, "precision": 0.05, "confidence": 0.95, "budget": "2h",
 *             "warmup": "10s", "minProbe": "20s", "maxProbe": "4h", "scoutRequests": 150,
 *             "maxLooks": 3, "spare": 3, "max": 10000 }
 * </pre>
 * {@code start} and {@code max} are req/s (open loop) or agents (closed loop: whole numbers);
 * {@code budget} is the load time the probes may spend (warm-ups, windows and drains), see
 * {@link SearchSettings} for the meaning of each.
 */
final class SearchFields {
  static final List<String> FIELDS = List.of("start", "growth", "precision", "confidence", "budget", "warmup",
      "minProbe", "maxProbe", "scoutRequests", "maxLooks", "spare", "max");

  private SearchFields() {}

  /** The search settings, or null when the scenario has no {@code load.search} and no override asks for one. */
  static SearchSettings read(JsonFields load, Map<String, String> o, boolean closed) {
    boolean inFile = load.has("search");
    boolean overridden = o.keySet().stream().anyMatch(k -> k.startsWith("search."));
    if (!inFile && !overridden) {
      return null;
    }
    for (String key : o.keySet()) {
      if (key.startsWith("search.") && !FIELDS.contains(key.substring("search.".length()))) {
        throw new ScenarioException("-Dcapkit." + key, "", "unknown search field (known: " + String.join(", ", FIELDS) + ")");
      }
    }
    if (!inFile) {
      throw new ScenarioException("-Dcapkit." + o.keySet().stream().filter(k -> k.startsWith("search.")).findFirst().orElseThrow(),
          "", "this scenario has no load.search (use -Dcapkit.scenario=capacity-search, or add load.search to the scenario)");
    }
    JsonFields s = load.object("search");
    double start = number(s, o, "start", 1.0, closed ? 1 : 1e-4, 100_000);
    double growth = number(s, o, "growth", 2.0, 1.05, 10);
    double precision = number(s, o, "precision", 0.05, 0.005, 0.5);
    double confidence = number(s, o, "confidence", 0.95, 0.5, 0.999);
    double budget = seconds(s, o, "budget", "8h");
    double warmup = seconds(s, o, "warmup", "10s");
    double minProbe = seconds(s, o, "minProbe", "20s");
    double maxProbe = seconds(s, o, "maxProbe", "4h");
    int scouts = (int) whole(s, o, "scoutRequests", 150, 10, 1_000_000);
    int looks = (int) whole(s, o, "maxLooks", 3, 1, 5);
    int spare = (int) whole(s, o, "spare", 3, 0, 10);
    double max = number(s, o, "max", 10_000.0, start, 1_000_000);
    if (closed && (start != Math.rint(start) || max != Math.rint(max))) {
      throw s.error(start != Math.rint(start) ? "start" : "max", "a closed-loop search counts agents: whole numbers only");
    }
    s.rejectUnknown();
    try {
      return new SearchSettings(start, growth, precision, confidence, budget, warmup, minProbe, maxProbe, scouts, looks,
          spare, max, closed);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(load.field("search"), "", e.getMessage());
    }
  }

  private static double number(JsonFields s, Map<String, String> o, String name, double fallback, double min, double max) {
    double v = s.number(name, fallback, min, max);
    String key = "search." + name;
    if (!o.containsKey(key)) {
      return v;
    }
    try {
      double d = Double.parseDouble(o.get(key).trim());
      if (!(d >= min && d <= max)) {
        throw new ScenarioException("-Dcapkit." + key, "", "value " + o.get(key) + " must be in [" + JsonFields.trim(min)
            + ", " + JsonFields.trim(max) + "]");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ScenarioException("-Dcapkit." + key, "", "'" + o.get(key) + "' is not a number");
    }
  }

  private static double whole(JsonFields s, Map<String, String> o, String name, int fallback, int min, int max) {
    double d = number(s, o, name, fallback, min, max);
    if (d != Math.rint(d)) {
      throw new ScenarioException(o.containsKey("search." + name) ? "-Dcapkit.search." + name : s.field(name), "",
          "expected a whole number, found " + JsonFields.trim(d));
    }
    return d;
  }

  private static double seconds(JsonFields s, Map<String, String> o, String name, String fallback) {
    Duration d = s.duration(name, fallback);
    String key = "search." + name;
    if (o.containsKey(key)) {
      try {
        d = Durations.parse(o.get(key));
      } catch (IllegalArgumentException e) {
        throw new ScenarioException("-Dcapkit." + key, "", e.getMessage());
      }
    }
    return d.toMillis() / 1000.0;
  }
}
