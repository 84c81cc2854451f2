package dev.capkit.reports;

import dev.capkit.core.results.SloVerdict;
import dev.capkit.core.results.StepSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The objectives judged in a run, in the order its steps list them, with their limits from run.json. */
final class Slos {
  private Slos() {}

  /** Objective key to limit (ms, or a share for {@code errors}), first occurrence wins. */
  static Map<String, Double> limits(List<StepSummary> steps) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (StepSummary s : steps) {
      for (SloVerdict v : s.slo()) {
        out.putIfAbsent(v.key(), v.limit());
      }
    }
    return out;
  }

  static SloVerdict verdict(StepSummary s, String key) {
    return s.slo().stream().filter(v -> v.key().equals(key)).findFirst().orElse(null);
  }

  /** A limit as the page prints it, with its unit. */
  static String limitText(String key, double limit) {
    return "errors".equals(key) ? "≤ " + Figures.percent(limit) + " failed" : "≤ " + Figures.format(limit) + " ms";
  }

  static String valueText(String key, double value) {
    return "errors".equals(key) ? Figures.percent(value) : Figures.format(value) + " ms";
  }
}
