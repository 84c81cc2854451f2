package dev.capkit.gate;

import dev.capkit.gate.stats.RegressionStatistics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Measures the gate on the emulator in virtual time (figures built in memory by {@link VirtualRunFigures},
 * equal to what the gate reads from a written run folder): the false-alarm rate over pairs of runs of the
 * same build (baseline seed {@code 2i-1} against current seed {@code 2i}: other arrivals and answers
 * of the same load, a harder case than a rerun with the same seed) and the detection rate over pairs
 * whose current run is slowed ({@code slowdown}, e.g. 1.2 = every emulated GPU step 20% slower).
 *
 * <pre>{@code
 * GateCalibration.Result r = GateCalibration.measure("gate-smoke", Map.of(), 100, 1.2, Tolerance.defaults(), 0.95);
 * r.falseAlarmRate()   // alarms / pairs at slowdown 1.0
 * }</pre>
 *
 * Run with many pairs (the figures in gate/README.md):
 * {@code mvn -q -o -pl gate -am -Pcalibrate -DskipTests test -Dcalibrate.pairs=200} (profile in gate/pom.xml).
 */
public final class GateCalibration {

  /** Outcome counts: exit status to pairs, for same-build and slowed pairs, and what raised the alarms. */
  public record Result(int pairs, Map<Integer, Integer> sameBuild, Map<Integer, Integer> slowed, Map<String, Integer> alarms,
      Map<String, Integer> catches, Map<String, List<double[]>> power) {
    public double falseAlarmRate() {
      return (double) (pairs - sameBuild.getOrDefault(0, 0)) / pairs;
    }

    public double detectionRate() {
      return (double) slowed.getOrDefault(1, 0) / pairs;
    }

    public String describe(double slowdown) {
      int alarmed = pairs - sameBuild.getOrDefault(0, 0);
      int caught = slowed.getOrDefault(1, 0);
      return String.format(Locale.ROOT, "%d pairs: same build exit codes %s (false-alarm rate %.1f%%, 95%% CI %s), slowdown %.2f exit codes %s"
          + " (detection rate %.1f%%, 95%% CI %s); alarms raised by %s; regressions caught by %s",
          pairs, sameBuild, falseAlarmRate() * 100, clopperPearson(alarmed, pairs), slowdown, slowed, detectionRate() * 100,
          clopperPearson(caught, pairs), alarms, catches) + "; " + describePower();
    }

    /**
     * Whether the verdicts' stated detectable worsening ({@link Comparison#detectable()}) holds: per all-kinds metric, the
     * median stated figure over the same-build pairs, and in how many of them a worsening of exactly that size (every
     * current value scaled by it, which scales the change and its interval alike) would have been caught. The promise is 95%;
     * less means the interval understates how much reruns differ.
     */
    public String describePower() {
      StringBuilder out = new StringBuilder("stated detectable worsening (all kinds; median, 10th-90th percentile over pairs) and a"
          + " worsening of that size caught:");
      power.forEach((metric, rows) -> {
        double[] d = rows.stream().mapToDouble(r -> r[0]).sorted().toArray();
        int held = (int) rows.stream().filter(r -> r[1] > 0).count();
        boolean latency = GatedMetric.ofKey(metric).latency();
        String unit = latency ? "%" : "pp";
        out.append(String.format(Locale.ROOT, " %s %s%.1f%s (%.1f-%.1f%s), caught %d/%d = %.1f%% (95%% CI %s);", metric,
            metric.equals("goodput") ? "-" : "+", 100 * at(d, 0.5), unit, 100 * at(d, 0.1), 100 * at(d, 0.9), unit, held, rows.size(),
            100.0 * held / rows.size(), clopperPearson(held, rows.size())));
      });
      return out.toString();
    }

    private static double at(double[] sorted, double p) {
      return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    /** The exact binomial (Clopper-Pearson) 95% interval of {@code k} in {@code n}, in percent. */
    static String clopperPearson(int k, int n) {
      double low = k == 0 ? 0 : new org.apache.commons.math3.distribution.BetaDistribution(k, n - k + 1).inverseCumulativeProbability(0.025);
      double high = k == n ? 1 : new org.apache.commons.math3.distribution.BetaDistribution(k + 1, n - k).inverseCumulativeProbability(0.975);
      return String.format(Locale.ROOT, "%.1f-%.1f%%", low * 100, high * 100);
    }
  }

  private GateCalibration() {}

  public static Result measure(String scenario, Map<String, String> overrides, int pairs, double slowdown, Tolerance tolerance,
      double confidence) {
    RegressionGate gate = new RegressionGate(RegressionStatistics.standard(), tolerance, confidence,
        List.of("emulator.slowdown")); // slowed pairs differ in this fault setting on purpose
    List<int[]> outcomes = IntStream.range(0, pairs).parallel().mapToObj(i -> {
      try {
        long seed = 1000L + 2L * i;
        RunFigures base = VirtualRunFigures.of(scenario, overrides, seed, 1.0);
        RunFigures same = VirtualRunFigures.of(scenario, overrides, seed + 1, 1.0);
        RunFigures slow = VirtualRunFigures.of(scenario, overrides, seed + 1, slowdown);
        GateVerdict a = gate.judge(base, same);
        GateVerdict b = gate.judge(base, slow);
        synchronized (GateCalibration.class) {
          for (Comparison c : a.comparisons()) {
            if (c.kind().equals("*") && !Double.isNaN(c.detectable())) {
              POWER.computeIfAbsent(c.metric().key(), k -> new java.util.ArrayList<>()).add(new double[] {c.detectable(), heldIfScaled(c) ? 1 : 0});
            }
          }
          ALARMS.add(a.regressions().stream().map(c -> c.kind() + " " + c.metric().key()).toList());
          ALARMS.add(a.problems().stream().map(p -> "problem").toList());
          CATCHES.add(b.regressions().stream().map(c -> c.kind() + " " + c.metric().key()).toList());
        }
        return new int[] {a.exitCode(), b.exitCode()};
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList();
    Map<Integer, Integer> same = new TreeMap<>();
    Map<Integer, Integer> slow = new TreeMap<>();
    for (int[] o : outcomes) {
      same.merge(o[0], 1, Integer::sum);
      slow.merge(o[1], 1, Integer::sum);
    }
    Map<String, Integer> alarms = count(ALARMS);
    Map<String, Integer> catches = count(CATCHES);
    Map<String, List<double[]>> power = new TreeMap<>(POWER);
    ALARMS.clear();
    CATCHES.clear();
    POWER.clear();
    return new Result(pairs, same, slow, alarms, catches, power);
  }

  /**
   * Whether this same-build comparison would have been a regression had the current run been worse by exactly the stated
   * detectable amount: latencies scaled by {@code 1 + d} (the change and both interval ends scale by it), rates shifted by d.
   */
  static boolean heldIfScaled(Comparison c) {
    double d = c.detectable();
    var e = c.interval();
    return switch (c.metric()) {
      case GOODPUT -> e.point() - d < -c.tolerance() && e.high() - d < 0;
      case ERRORS -> e.point() + d > c.tolerance() && e.low() + d > 0;
      default -> (1 + e.point()) * (1 + d) - 1 > c.tolerance() && (1 + e.low()) * (1 + d) - 1 > 0;
    };
  }

  private static final Map<String, List<double[]>> POWER = new TreeMap<>();

  private static final List<List<String>> ALARMS = new java.util.ArrayList<>();
  private static final List<List<String>> CATCHES = new java.util.ArrayList<>();

  private static Map<String, Integer> count(List<List<String>> lists) {
    Map<String, Integer> out = new TreeMap<>();
    for (List<String> l : lists) {
      for (String s : new java.util.TreeSet<>(l)) {
        out.merge(s, 1, Integer::sum);
      }
    }
    return out;
  }

  /** {@code GateCalibration <scenario> <pairs> <slowdown> [key=value overrides...]}: prints the measured rates. */
  public static void main(String[] args) throws IOException {
    String scenario = args.length > 0 ? args[0] : "../scenarios/gate-smoke.json";
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    double slowdown = args.length > 2 ? Double.parseDouble(args[2]) : 1.2;
    Map<String, String> overrides = new LinkedHashMap<>();
    String tolerance = System.getProperty("gate.tolerance", Tolerance.DEFAULT);
    double confidence = Double.parseDouble(System.getProperty("gate.confidence", Double.toString(GateMain.DEFAULT_CONFIDENCE)));
    for (int i = 3; i < args.length; i++) {
      for (String o : args[i].trim().split("\\s+")) { // -Dcalibrate.overrides="qps=14 duration=60s" arrives as one argument (blank: none)
        if (!o.isEmpty()) {
          String[] kv = o.split("=", 2);
          overrides.put(kv[0], kv[1]);
        }
      }
    }
    long t0 = System.nanoTime();
    Result r = measure(scenario, overrides, pairs, slowdown, Tolerance.parse(tolerance), confidence);
    System.out.printf(Locale.ROOT, "scenario %s %s, tolerance %s, confidence %s, virtual time (emulator engine, seeds 1000..%d): %s [%.0f s]%n",
        scenario, overrides, tolerance, confidence, 1000 + 2 * pairs, r.describe(slowdown), (System.nanoTime() - t0) / 1e9);
  }
}
