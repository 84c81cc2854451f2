package dev.capkit.planner.capacity;

import dev.capkit.planner.LadderPoint;
import dev.capkit.planner.SloTarget;
import dev.capkit.planner.TierLadder;
import dev.capkit.planner.stats.Statistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The highest request rate one replica sustains while every objective holds: the lowest of the
 * per-objective {@link SloCrossing}s on the tier's ladder.
 *
 * <p>Method: for each objective, the first step whose value exceeds the limit and the step before
 * it bracket the crossing; the rate is linearly interpolated between them (value against rate).
 * The 95% interval is a percentile bootstrap over the histograms: each replicate redraws every
 * step's percentile from the order-statistic distribution of a resample of that step's requests
 * ({@link Statistics#bootstrapQuantile}) and every step's error share from a binomial, re-runs the
 * interpolation, and takes the lowest crossing over the objectives; the interval is the 2.5th and
 * 97.5th percentile of the replicates. Steps are resampled independently, so the interval covers
 * sampling noise of the measured requests, not drift between runs.
 *
 * <pre>{@code
 * SustainableRate r = SustainableRate.estimate(ladder, slos, Statistics.standard(), 1000, 42);
 * r.defined() ? r.rate() : r.undefinedReason();   // "undefined, because e2e.p99 is crossed at the first step ..."
 * }</pre>
 *
 * @param rate            requests/s per replica, NaN when undefined
 * @param low             2.5th percentile of the bootstrap replicates (may be -Infinity, see {@link SloCrossing})
 * @param high            97.5th percentile (may be +Infinity)
 * @param atLeast         when undefined because no objective was crossed: the highest rate that met them all
 * @param binding         the objective that sets the rate, or null
 * @param crossings       one per objective
 * @param replicates      bootstrap replicates used
 * @param undefinedReason null when defined
 */
public record SustainableRate(double rate, double low, double high, double atLeast, String binding, List<SloCrossing> crossings,
    int replicates, String method, String undefinedReason) {

  public static final String METHOD = "linear interpolation of each objective between the last step meeting it and the first"
      + " exceeding it; 95% CI: percentile bootstrap, per step the percentile redrawn from the order-statistic (Beta) law"
      + " of a resample of its requests and the error share from a binomial";
  static final int MIN_STEPS = 2;

  public boolean defined() {
    return undefinedReason == null;
  }

  public static SustainableRate estimate(TierLadder ladder, List<SloTarget> slos, Statistics stats, int replicates, long seed) {
    List<LadderPoint> points = ladder.points();
    double[] rates = points.stream().mapToDouble(LadderPoint::rate).toArray();
    List<SloCrossing> crossings = new ArrayList<>();
    double[] lowestPerReplicate = new double[replicates];
    Arrays.fill(lowestPerReplicate, Double.POSITIVE_INFINITY);
    for (int s = 0; s < slos.size(); s++) {
      SloTarget slo = slos.get(s);
      double[] values = new double[points.size()];
      double[][] boot = new double[points.size()][];
      long[] counts = new long[points.size()];
      for (int i = 0; i < points.size(); i++) {
        LadderPoint p = points.get(i);
        long pointSeed = seed + 1_000_003L * i + 7_919L * s;
        if (slo.isErrors()) {
          values[i] = p.value(slo);
          long errors = Math.round(p.errorRate() * p.sent());
          boot[i] = stats.bootstrapProportion(errors, p.sent(), replicates, pointSeed);
        } else {
          LatencyQuantiles q = p.latency().getOrDefault(slo.metric(), LatencyQuantiles.ofMicros(null));
          values[i] = q.at(slo.percentile() / 100);
          counts[i] = q.count();
          boot[i] = stats.bootstrapQuantile(q::at, q.count(), slo.percentile() / 100, replicates, pointSeed);
        }
      }
      SloCrossing point = crossing(slo, rates, values, counts);
      double[] perReplicate = new double[replicates];
      double[] column = new double[points.size()];
      for (int b = 0; b < replicates; b++) {
        for (int i = 0; i < points.size(); i++) {
          column[i] = boot[i].length == 0 ? Double.NaN : boot[i][b];
        }
        perReplicate[b] = censored(rates, column, slo.limit());
        lowestPerReplicate[b] = Math.min(lowestPerReplicate[b], perReplicate[b]);
      }
      crossings.add(withInterval(point, perReplicate, stats));
    }
    return combine(points, crossings, lowestPerReplicate, replicates, stats);
  }

  private static SustainableRate combine(List<LadderPoint> points, List<SloCrossing> crossings, double[] perReplicate,
      int replicates, Statistics stats) {
    double[] interval = interval(perReplicate, stats);
    if (points.size() < MIN_STEPS) {
      return new SustainableRate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, crossings, replicates, METHOD,
          "undefined, because the ladder has " + points.size() + " step(s); at least " + MIN_STEPS
              + " are needed to place a crossing between steps");
    }
    SloCrossing binding = null;
    for (SloCrossing c : crossings) {
      if (!Double.isNaN(c.below())) {
        return new SustainableRate(Double.NaN, interval[0], interval[1], Double.NaN, c.slo(), crossings, replicates, METHOD,
            "undefined, because " + c.undefinedReason().replaceFirst("^undefined, because ", "")
                + "; measure lower rates to place it");
      }
      if (c.defined() && (binding == null || c.rate() < binding.rate())) {
        binding = c;
      }
    }
    if (binding == null) {
      double atLeast = crossings.stream().mapToDouble(SloCrossing::atLeast).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
      return new SustainableRate(Double.NaN, interval[0], interval[1], atLeast, null, crossings, replicates, METHOD,
          String.format(Locale.ROOT, "undefined, because no objective was crossed on the ladder (all met up to %s req/s);"
              + " the sustainable rate is at least that: extend the ladder past saturation", fmt(atLeast)));
    }
    return new SustainableRate(binding.rate(), interval[0], interval[1], Double.NaN, binding.slo(), crossings, replicates, METHOD, null);
  }

  /** Point estimate of one objective's crossing with its reason when undefined. */
  static SloCrossing crossing(SloTarget slo, double[] rates, double[] values, long[] counts) {
    String key = slo.key();
    if (rates.length < MIN_STEPS) {
      return new SloCrossing(key, slo.limit(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          "undefined, because the ladder has " + rates.length + " step(s)", null);
    }
    int first = firstExceeding(values, slo.limit());
    if (first < 0) {
      double max = rates[rates.length - 1];
      return new SloCrossing(key, slo.limit(), Double.NaN, Double.NaN, Double.NaN, max, Double.NaN,
          String.format(Locale.ROOT, "undefined, because %s never exceeded %s up to %s req/s (%s there)", key, slo.limitText(),
              fmt(max), valueText(slo, values[values.length - 1])), null);
    }
    if (first == 0) {
      return new SloCrossing(key, slo.limit(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, rates[0],
          String.format(Locale.ROOT, "undefined, because %s is crossed at the first step (%s req/s: %s > %s)", key, fmt(rates[0]),
              valueText(slo, values[0]), slo.limitText()), null);
    }
    int before = previousMeasured(values, first);
    double x = interpolate(rates[before], values[before], rates[first], values[first], slo.limit());
    String note = null;
    if (!slo.isErrors()) {
      long needed = (long) Math.ceil(1 / (1 - slo.percentile() / 100));
      long fewest = Math.min(counts[before], counts[first]);
      if (fewest < needed) {
        note = String.format(Locale.ROOT, "the steps bracketing the crossing hold %d and %d requests; a p%s of fewer than %d requests is"
                + " the sample maximum, so the rate and its interval are optimistic: lengthen the steps", counts[before], counts[first],
            slo.key().substring(slo.key().indexOf(".p") + 2), needed);
      }
    }
    for (int i = first + 1; i < values.length; i++) {
      if (values[i] <= slo.limit()) {
        String again = String.format(Locale.ROOT, "met again at %s req/s after being crossed at %s req/s: noisy ladder, the first crossing is used",
            fmt(rates[i]), fmt(rates[first]));
        note = note == null ? again : note + "; " + again;
        break;
      }
    }
    return new SloCrossing(key, slo.limit(), x, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, note);
  }

  /** One replicate's crossing, with "never" as +Infinity and "at the first step" as -Infinity. */
  private static double censored(double[] rates, double[] values, double limit) {
    int first = firstExceeding(values, limit);
    if (first < 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (first == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    int before = previousMeasured(values, first);
    return interpolate(rates[before], values[before], rates[first], values[first], limit);
  }

  private static int firstExceeding(double[] values, double limit) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] > limit) {
        return i;
      }
    }
    return -1;
  }

  /** The step before {@code i} that has a value (steps without requests of a metric are skipped). */
  private static int previousMeasured(double[] values, int i) {
    for (int j = i - 1; j >= 0; j--) {
      if (!Double.isNaN(values[j])) {
        return j;
      }
    }
    return 0;
  }

  private static double interpolate(double x0, double y0, double x1, double y1, double limit) {
    if (Double.isNaN(y0) || y1 == y0) {
      return x0;
    }
    return x0 + (limit - y0) / (y1 - y0) * (x1 - x0);
  }

  private static SloCrossing withInterval(SloCrossing c, double[] perReplicate, Statistics stats) {
    double[] ci = interval(perReplicate, stats);
    return new SloCrossing(c.slo(), c.limit(), c.rate(), ci[0], ci[1], c.atLeast(), c.below(), c.undefinedReason(), c.note());
  }

  /** 2.5th and 97.5th percentiles, keeping the infinities of censored replicates. */
  private static double[] interval(double[] replicates, Statistics stats) {
    if (replicates.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double[] sorted = replicates.clone();
    Arrays.sort(sorted);
    double lo = sorted[(int) Math.floor(0.025 * (sorted.length - 1))];
    double hi = sorted[(int) Math.ceil(0.975 * (sorted.length - 1))];
    if (Double.isFinite(lo) && Double.isFinite(hi)) {
      lo = stats.quantile(sorted, 0.025);
      hi = stats.quantile(sorted, 0.975);
    }
    return new double[] {lo, hi};
  }

  private static String valueText(SloTarget slo, double v) {
    if (Double.isNaN(v)) {
      return "no value";
    }
    return slo.isErrors() ? String.format(Locale.ROOT, "%.3f%%", v * 100) : String.format(Locale.ROOT, "%.0f ms", v);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
