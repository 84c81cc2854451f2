package dev.capkit.simulations;

import dev.capkit.core.results.LatencyStats;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.SloVerdict;
import dev.capkit.core.results.StepSummary;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The compact per-step table printed while a run goes, one row per finished step. Every figure is
 * read from the step's histograms and counters; the header says the units and the basis (run.json
 * {@code target.basis}: measured on a real server, or emulated by capkit's emulator).
 */
public final class StepTable {
  private static final String FORMAT = "%-22s %8s %6s %6s %5s %8s %15s %15s %9s %8s %8s  %s%n";

  private StepTable() {}

  public static String header(String basis) {
    return String.format(Locale.ROOT, FORMAT, "step", "offered", "sent", "ok", "err", "ach/s",
        "ttft p50/p99", "e2e p50/p99", "tpot p99", "tok/s", "good/s", "objectives (" + basis + ")")
        + String.format(Locale.ROOT, FORMAT, "", "", "", "", "", "req/s", "ms", "ms", "ms", "out", "req/s", "");
  }

  public static String row(StepSummary s) {
    return String.format(Locale.ROOT, FORMAT,
        s.id(),
        num(s.offered()) + (s.unit().equals("qps") ? "/s" : " ag"),
        s.sent(), s.ok(), s.sent() - s.ok(),
        String.format(Locale.ROOT, "%.2f", s.achievedQps()),
        pair(s.metric(Metric.TTFT)),
        pair(s.metric(Metric.E2E)),
        ms(s.metric(Metric.TPOT).p99()),
        String.format(Locale.ROOT, "%.0f", s.outputTokensPerSecond()),
        String.format(Locale.ROOT, "%.2f", s.goodputRps()),
        verdicts(s) + errors(s.errors()) + ttfa(s));
  }

  /** Reasoning models: time to the first answer token, p50/p99, after the verdicts (absent otherwise). */
  static String ttfa(StepSummary s) {
    LatencyStats t = s.metrics() == null ? null : s.metrics().get(dev.capkit.core.results.StepRecorder.TTFA);
    return t == null || t.count() == 0 ? "" : "  ttfa p50/p99=" + pair(t) + " ms (first answer token after reasoning)";
  }

  static String verdicts(StepSummary s) {
    return s.slo().stream().map(StepTable::verdict).collect(Collectors.joining(" "));
  }

  static String verdict(SloVerdict v) {
    String actual = v.key().equals("errors")
        ? (Double.isNaN(v.actual()) ? "-" : String.format(Locale.ROOT, "%.1f%%", v.actual() * 100))
        : ms(v.actual());
    return v.key() + "=" + actual + (v.met() ? " ok" : " BROKEN");
  }

  private static String errors(Map<String, Long> errors) {
    if (errors.isEmpty()) {
      return "";
    }
    return "  [" + errors.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")) + "]";
  }

  private static String pair(LatencyStats s) {
    return s.count() == 0 ? "-" : ms(s.p50()) + "/" + ms(s.p99());
  }

  static String ms(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.valueOf(d);
  }
}
