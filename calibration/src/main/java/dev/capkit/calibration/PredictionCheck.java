package dev.capkit.calibration;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Predicted against measured, for runs a profile was NOT fitted on: each run's load is replayed
 * through the twin with the profile applied ({@link Replay}), and per step and kind TTFT p50, TTFT
 * p99 and TPOT p50 are set beside what the run measured (and, when the run scraped a llama.cpp server, the
 * step's engine-side prompt ms per token, kind {@code server}); for a run with several steps, the
 * sustainable rate under the objectives (the offered rate where the first objective crosses its
 * limit, linear between the last step that held and the first that did not) on both sides.
 *
 * <pre>{@code
 * List<PredictionCheck.Row> rows = PredictionCheck.rows(runs, predicted);
 * }</pre>
 */
public final class PredictionCheck {
  /** Figures in the prediction table. */
  public static final List<String> FIGURES = List.of("ttft.p50", "ttft.p99", "tpot.p50");

  private PredictionCheck() {}

  /** One line of the table: predicted and measured, in ms (figures) or req/s (sustainable rate). */
  public record Row(String run, String step, String kind, String figure, double predicted, double measured, String note) {
    public double error() {
      return predicted / measured - 1;
    }
  }

  /** @param limits objective -> limit in ms, e.g. {@code ttft.p99 -> 2000} */
  public static List<Row> rows(List<MeasuredRun> runs, Map<String, Double> predicted, Map<String, Double> limits) {
    List<Row> out = new ArrayList<>();
    for (MeasuredRun run : runs) {
      for (MeasuredStep s : run.steps()) {
        for (MeasuredKind k : s.kinds().values()) {
          if (!k.stream()) {
            continue;
          }
          for (String f : FIGURES) {
            double m = measured(k, f);
            Double p = predicted.get(Figure.key(run.name(), s.id(), k.kind(), f));
            if (m > 0 && p != null && p > 0) {
              out.add(new Row(run.name(), s.id(), k.kind(), f, p, m, ""));
            }
          }
        }
      }
      for (MeasuredStep s : run.steps()) {
        Double p = predicted.get(Figure.key(run.name(), s.id(), Replay.SERVER, Replay.PROMPT_MS_PER_TOKEN));
        if (s.serverPromptMsPerToken() > 0 && p != null && p > 0) {
          out.add(new Row(run.name(), s.id(), Replay.SERVER, Replay.PROMPT_MS_PER_TOKEN, p, s.serverPromptMsPerToken(), ""));
        }
      }
      if (run.steps().size() >= 2 && !limits.isEmpty()) {
        Sustainable m = sustainable(run, limits, (s, k, f) -> measured(s.kinds().get(k), f));
        Sustainable p = sustainable(run, limits, (s, k, f) -> predicted.getOrDefault(Figure.key(run.name(), s.id(), k, f), Double.NaN));
        out.add(new Row(run.name(), "ladder", "all", "sustainable req/s", p.rate(), m.rate(), "measured " + m.note() + "; predicted "
            + p.note()));
      }
    }
    return out;
  }

  private interface FigureSource {
    double get(MeasuredStep step, String kind, String figure);
  }

  private record Sustainable(double rate, String note) {}

  /** The offered rate where the first objective crosses its limit, linear between the steps around it. */
  private static Sustainable sustainable(MeasuredRun run, Map<String, Double> limits, FigureSource source) {
    List<MeasuredStep> steps = new ArrayList<>(run.steps());
    steps.sort(java.util.Comparator.comparingDouble(MeasuredStep::offeredQps));
    double best = Double.POSITIVE_INFINITY;
    String why = "";
    for (Map.Entry<String, Double> limit : limits.entrySet()) {
      double prevRate = Double.NaN;
      double prevValue = Double.NaN;
      for (MeasuredStep s : steps) {
        double v = Double.NEGATIVE_INFINITY;
        for (String kind : s.kinds().keySet()) {
          double x = source.get(s, kind, limit.getKey());
          if (!Double.isNaN(x)) { // a kind without the figure (TTFT/TPOT of a non-streamed kind) does not judge it
            v = Math.max(v, x);
          }
        }
        if (Double.isInfinite(v)) {
          continue;
        }
        if (v > limit.getValue()) {
          double crossing = Double.isNaN(prevRate) ? Double.NaN
              : prevRate + (limit.getValue() - prevValue) / (v - prevValue) * (s.offeredQps() - prevRate);
          if (Double.isNaN(crossing)) {
            return new Sustainable(Double.NaN, limit.getKey() + " over " + limit.getValue() + " ms already at the first step");
          }
          if (crossing < best) {
            best = crossing;
            why = limit.getKey() + " crosses " + fmt(limit.getValue()) + " ms between " + fmt(prevRate) + " and " + fmt(s.offeredQps())
                + " req/s";
          }
          break;
        }
        prevRate = s.offeredQps();
        prevValue = v;
      }
    }
    if (Double.isInfinite(best)) {
      return new Sustainable(Double.NaN, "every objective held up to the last step " + fmt(steps.get(steps.size() - 1).offeredQps())
          + " req/s");
    }
    return new Sustainable(best, why);
  }

  private static double measured(MeasuredKind k, String figure) {
    if (k == null) {
      return Double.NaN;
    }
    return switch (figure) {
      case "ttft.p50" -> k.ttft().p50();
      case "ttft.p99" -> k.ttft().p99();
      case "ttft.p90" -> k.ttft().p90();
      case "tpot.p50" -> k.tpot().p50();
      case "tpot.p99" -> k.tpot().p99();
      case "e2e.p50" -> k.e2e().p50();
      case "e2e.p99" -> k.e2e().p99();
      default -> throw new CalibrationException("--slo: unknown figure '" + figure + "' (known: ttft.p50, ttft.p90, ttft.p99,"
          + " tpot.p50, tpot.p99, e2e.p50, e2e.p99)");
    };
  }

  /** Prints the table (markdown) and the median |error| per figure; returns that median over all rows. */
  public static double print(List<Row> rows, PrintStream out) {
    out.println("| run | step | kind | figure | predicted (twin + profile, virtual time) | measured | error |");
    out.println("|---|---|---|---|---:|---:|---:|");
    Map<String, List<Double>> errors = new LinkedHashMap<>();
    for (Row r : rows) {
      String unit = r.figure().startsWith("sustainable") ? "" : " ms";
      boolean defined = Double.isFinite(r.predicted()) && Double.isFinite(r.measured());
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s%s | %s%s | %s |%n", r.run(), r.step(), r.kind(), r.figure(), fmt(r.predicted()),
          unit, fmt(r.measured()), unit, defined ? String.format(Locale.ROOT, "%+.1f%%", r.error() * 100) : "undefined: " + r.note());
      if (defined) {
        errors.computeIfAbsent(r.figure(), f -> new ArrayList<>()).add(Math.abs(r.error()));
      }
    }
    List<Double> all = new ArrayList<>();
    out.print("median |error|:");
    errors.forEach((f, e) -> {
      all.addAll(e);
      out.printf(Locale.ROOT, " %s %.1f%% (%d)", f, median(e) * 100, e.size());
    });
    double m = median(all);
    out.printf(Locale.ROOT, "; all %.1f%% over %d rows%n", m * 100, all.size());
    for (Row r : rows) {
      if (!r.note().isEmpty()) {
        out.println(r.run() + ": " + r.note());
      }
    }
    return m;
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  private static String fmt(double v) {
    return !Double.isFinite(v) ? "n/a" : Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
