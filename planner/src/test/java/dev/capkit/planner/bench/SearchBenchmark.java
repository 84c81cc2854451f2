package dev.capkit.planner.bench;

import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.core.search.CapacitySearch;
import dev.capkit.core.search.ObjectiveCheck;
import dev.capkit.core.search.ProbeJudge;
import dev.capkit.core.search.ProbeResult;
import dev.capkit.core.search.SearchResult;
import dev.capkit.core.search.SearchSettings;
import dev.capkit.planner.search.VirtualProbeRunner;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: the capacity search against ground truth, in virtual time (basis: predicted), for
 * three workloads. Per workload:
 * <ol>
 *   <li><b>ground truth</b>: the highest rate at which every objective's violating share, over long
 *       runs ({@code bench.truthRequests} judged requests after 120 s of warm-up, 2 replicas pooled),
 *       is within its allowance; found by bisection to 0.5%;
 *   <li><b>search</b>: {@code capacity-search} defaults (±5%, 95%), 5 seeds: interval, coverage of
 *       the truth, GPU-seconds, probes;
 *   <li><b>fixed ladders</b>: the scenario's own ladder as written (60 s steps: too few requests for
 *       a p99 verdict), and a fixed ladder that could give the same answer: geometric steps
 *       (1.05/0.95 apart) over the same range, each as long as a search probe (same requests per
 *       verdict, same warm-up).
 * </ol>
 * Run: {@code mvn -q -o -pl planner -am -Psearch-bench -DskipTests test}; {@code -Dbench.workload=0} one workload,
 * {@code -Dbench.truth=0.791} a truth already computed for it, {@code -Dbench.precision=0.15} the search's precision,
 * {@code -Dbench.precisions=0.05,0.1} the oracle's least load time at each, {@code -Dbench.seeds=0} no searches,
 * {@code -Dbench.budget=240} the search's GPU-time budget in seconds (default 8 h), {@code -Dbench.firstSeed=11} seeds 11...
 */
public final class SearchBenchmark {
  private record Workload(String scenario, String tier, Dtype dtype) {}

  public static void main(String[] args) throws Exception {
    if (Boolean.getBoolean("bench.agents")) {
      AgentsBenchmark.main(args); // -Dbench.agents=true: agents per replica on phone-agent-sessions instead
      return;
    }
    long truthRequests = Long.getLong("bench.truthRequests", 20_000);
    int seeds = Integer.getInteger("bench.seeds", 5);
    Catalog catalog = Catalog.load(null);
    List<Workload> all = List.of(
        new Workload("capacity-sweep", "gn7e-c16g1.4xlarge", Dtype.BF16),
        new Workload("capacity-sweep", "gn7i-c8g1.2xlarge", Dtype.FP8),
        new Workload("release-gate", "gn7e-c16g1.4xlarge", Dtype.BF16));
    int only = Integer.getInteger("bench.workload", -1);
    List<Workload> workloads = only < 0 ? all : List.of(all.get(only));
    System.out.printf(Locale.ROOT, "machine: %d cores, load average %s%n", Runtime.getRuntime().availableProcessors(),
        java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
    for (Workload w : workloads) {
      long t0 = System.nanoTime();
      Scenario scenario = ScenarioLoader.load(ScenarioLoader.resolve(w.scenario(), Path.of("../scenarios")), Map.of());
      ServingPlan plan = ServingPlan.resolve(catalog, w.tier(), scenario.model(), w.dtype(), 0);
      List<ObjectiveCheck> checks = ObjectiveCheck.of(scenario.slo());
      ScenarioInfo info = ScenarioInfo.of(scenario);
      double given = Double.parseDouble(System.getProperty("bench.truth", "0")); // a truth already computed (this workload only)
      double truth = given > 0 ? given : truth(new VirtualProbeRunner(plan, info, checks, 1), checks, scenario, truthRequests);
      System.out.printf(Locale.ROOT, "%n## %s on %s %s (objectives %s)%n", w.scenario(), w.tier(), w.dtype().key(),
          checks.stream().map(c -> c.share().key()).toList());
      System.out.printf(Locale.ROOT, "ground truth (predicted, %s): %.3f req/s%n", given > 0 ? "given by -Dbench.truth"
          : String.format(Locale.ROOT, "long virtual runs of %,d requests x 2", truthRequests), truth);
      double start = scenario.steps().get(0).offered();
      SearchSettings d = SearchSettings.defaults(start);
      double precision = Double.parseDouble(System.getProperty("bench.precision", Double.toString(d.precision())));
      double warmup = Double.parseDouble(System.getProperty("bench.warmup", Double.toString(d.warmupSeconds())));
      double budget = Double.parseDouble(System.getProperty("bench.budget", Double.toString(d.budgetSeconds())));
      SearchSettings settings = with(d, precision, warmup, budget);
      String deffRates = System.getProperty("bench.deffCheck", "");
      if (!deffRates.isBlank()) {
        designEffectCheck(plan, info, checks, deffRates, Integer.getInteger("bench.deffWindows", 30),
            Long.getLong("bench.deffRequests", 2000));
        continue;
      }
      String precisions = System.getProperty("bench.precisions", "");
      for (String p : precisions.isBlank() ? new String[] {Double.toString(precision)} : precisions.split(",")) {
        SearchSettings at = with(d, Double.parseDouble(p.trim()), d.warmupSeconds(), d.budgetSeconds());
        oracle(new VirtualProbeRunner(plan, info, checks, 1), checks, truth, at, truthRequests, scenario.loadDuration().toSeconds());
      }
      if (seeds == 0) {
        continue;
      }
      int covered = 0;
      int closed = 0;
      int atPrecision = 0;
      int falseHolds = 0;
      int falseBroken = 0;
      int silent = 0;
      double gpu = 0;
      System.out.println("| seed | interval req/s | ±% | covers truth | probes | early stops | GPU-s | stop |");
      System.out.println("|---:|---|---:|---|---:|---:|---:|---|");
      long firstSeed = Long.getLong("bench.firstSeed", 1);
      for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
        SearchResult r = CapacitySearch.run(ObjectiveCheck.shares(checks), settings, new VirtualProbeRunner(plan, info, checks, seed));
        // an end not shown is open: [low, +inf) says "at least low" at the stated confidence, and covers a truth above low
        boolean nothing = Double.isNaN(r.low()) && Double.isNaN(r.high());
        boolean cover = !(r.low() > truth) && !(r.high() < truth) && !nothing;
        covered += cover ? 1 : 0;
        silent += nothing ? 1 : 0;
        closed += Double.isNaN(r.precision()) ? 0 : 1;
        atPrecision += r.met() ? 1 : 0;
        falseHolds += r.low() > truth ? 1 : 0;
        falseBroken += r.high() < truth ? 1 : 0;
        gpu += r.gpuSeconds();
        System.out.printf(Locale.ROOT, "| %d | [%.3f, %.3f] | %.1f | %s | %d | %d | %.0f | %s |%n", seed, r.low(), r.high(),
            r.precision() * 100, nothing ? "no end shown" : cover ? "yes" : "NO", r.probes().size(),
            r.probes().stream().filter(ProbeResult::stoppedEarly).count(), r.gpuSeconds(), r.stop());
        if (Boolean.getBoolean("bench.verbose")) {
          for (ProbeResult p : r.probes()) {
            System.out.printf(Locale.ROOT, "    %-12s %.3f req/s %6.0f s: %d requests, violations %s, %s%s %s%n", p.plan().phase(),
                p.plan().rate(), p.plan().seconds(), p.requests(), p.violations(), p.verdict().key(), p.stoppedEarly() ? " (early stop)" : "",
                p.reasons());
          }
        }
      }
      double perProbe = new CapacitySearch(ObjectiveCheck.shares(checks), settings).requestsPerProbe();
      double asWritten = scenario.loadDuration().toSeconds();
      double fixed = fixedLadderSeconds(scenario, settings, perProbe);
      System.out.printf(Locale.ROOT, "coverage %d of %d with an end shown (nominal >= %.0f%%; an end not shown counts as open), %d showed"
          + " neither end; closed %d, at the asked ±%.0f%% %d; false holds %d, false brokens %d; search mean GPU-s %.0f%n", covered,
          seeds - silent, settings.confidence() * 100, silent, closed, settings.precision() * 100, atPrecision, falseHolds, falseBroken,
          gpu / seeds);
      System.out.printf(Locale.ROOT, "fixed ladder as written: %d steps, %.0f s (per-step requests %s; a p99 'holds' needs %d)%n",
          scenario.steps().size(), asWritten, scenario.steps().stream().map(s -> Long.toString(Math.round(s.offered() * s.duration().toSeconds()))).toList(),
          ProbeJudge.requestsToHold(0.01, settings.alphaHolds(), 0));
      System.out.printf(Locale.ROOT, "fixed ladder with the search's precision and verdicts: %.0f GPU-s; search / that ladder = %.2f; search / as written = %.2f%n",
          fixed, gpu / seeds / fixed, gpu / seeds / asWritten);
      System.out.printf(Locale.ROOT, "(workload took %.1f s of CPU time to simulate)%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Is a window's {@link dev.capkit.core.search.DesignEffect} the variance inflation of its violation
   * counts? At each rate, {@code windows} independent windows of {@code requests} judged requests
   * (120 s warm-up, no early stop): the counts' variance across windows over the binomial variance at
   * their mean share (the design effect the verdicts need), beside the windows' own estimates.
   */
  private static void designEffectCheck(ServingPlan plan, ScenarioInfo info, List<ObjectiveCheck> checks, String rates,
      int windows, long requests) {
    System.out.println("| rate req/s | objective | mean share | across-window deff of the counts | windows' DesignEffect median [min, max] |");
    System.out.println("|---:|---|---:|---:|---|");
    for (String r : rates.split(",")) {
      double rate = Double.parseDouble(r.trim());
      Map<String, double[]> counts = new java.util.LinkedHashMap<>();
      double[] estimates = new double[windows];
      for (int w = 0; w < windows; w++) {
        dev.capkit.core.search.ProbePlan p = new dev.capkit.core.search.ProbePlan(0, rate, 120, requests / rate, "verdict-low", 1,
            Map.of(), requests);
        dev.capkit.core.search.ProbeRunner.Measured m = new VirtualProbeRunner(plan, info, checks, 5000 + w).run(p);
        estimates[w] = m.designEffect();
        for (ObjectiveCheck c : checks) {
          counts.computeIfAbsent(c.share().key(), k -> new double[windows * 2])[w] = m.violations().getOrDefault(c.share().key(), 0L);
          counts.get(c.share().key())[windows + w] = m.requests();
        }
      }
      java.util.Arrays.sort(estimates);
      for (var e : counts.entrySet()) {
        double[] v = e.getValue();
        double sumV = 0;
        double sumN = 0;
        for (int w = 0; w < windows; w++) {
          sumV += v[w];
          sumN += v[windows + w];
        }
        double share = sumV / sumN;
        double var = 0;
        for (int w = 0; w < windows; w++) {
          double d = v[w] - share * v[windows + w];
          var += d * d;
        }
        var /= windows - 1;
        double binomial = sumN / windows * share * (1 - share);
        System.out.printf(Locale.ROOT, "| %.3f | %s | %.3f%% | %s | %.1f [%.1f, %.1f] |%n", rate, e.getKey(), share * 100,
            share > 0 ? String.format(Locale.ROOT, "%.1f", var / binomial) : "- (no violations)", estimates[windows / 2], estimates[0],
            estimates[windows - 1]);
      }
    }
  }

  /** {@code d} with another precision, warm-up and GPU-time budget. */
  private static SearchSettings with(SearchSettings d, double precision, double warmupSeconds, double budgetSeconds) {
    return new SearchSettings(d.startRate(), d.growth(), precision, d.confidence(), budgetSeconds, warmupSeconds,
        d.minProbeSeconds(), d.maxProbeSeconds(), d.scoutRequests(), d.maxLooks(), d.spare(), d.maxRate(), d.whole());
  }

  /**
   * The least load time any search can spend for a ±p interval backed by verdicts: an oracle that
   * knows the truth T puts one verdict probe at each end of the widest interval allowed around it,
   * L = T / r and H = T r with r = sqrt((1+p)/(1-p)) (so (H-L)/(H+L) = p), and
   * needs, at each end, the fewest requests for which the typical count of violations (the long-run
   * share there times n) gives the verdict: "holds" at L for every objective, "broken" at H for the
   * binding one. Printed with the absolute floor for "holds" (zero violations) and the budget asked.
   */
  private static void oracle(VirtualProbeRunner runner, List<ObjectiveCheck> checks, double truth, SearchSettings s,
      long requests, double ladderSeconds) {
    double r = Math.sqrt((1 + s.precision()) / (1 - s.precision()));
    double low = truth / r;
    double high = truth * r;
    Map<String, Double> atLow = runner.longRunShares(low, 120, requests, 2);
    Map<String, Double> atHigh = runner.longRunShares(high, 120, requests, 2);
    long holdN = 0;
    long breakN = Long.MAX_VALUE;
    String binding = "";
    for (ObjectiveCheck c : checks) {
      double q = c.share().allowed();
      holdN = Math.max(holdN, requestsToShowHolds(atLow.get(c.share().key()), q, s.alphaHolds()));
      long b = requestsToShowBroken(atHigh.get(c.share().key()), q, s.alphaBroken() / checks.size());
      if (b < breakN) {
        breakN = b;
        binding = c.share().key();
      }
    }
    long floor = ProbeJudge.requestsToHold(checks.stream().mapToDouble(c -> c.share().allowed()).min().orElseThrow(), s.alphaHolds(), 0);
    double seconds = holdN / low + breakN / high + 2 * s.warmupSeconds();
    System.out.printf(Locale.ROOT, "oracle for ±%.0f%% (knows the truth, one verdict probe per end, no scouts): L = %.3f req/s, violating"
        + " shares %s; H = %.3f req/s, shares %s%n", s.precision() * 100, low, fmt(atLow), high, fmt(atHigh));
    System.out.printf(Locale.ROOT, "  'holds' at L needs %,d requests (%.0f s; floor with zero violations: %d requests = %.0f s);"
        + " 'broken' at H (%s) needs %,d requests (%.0f s); total with warm-ups %.0f s = %.1fx half of the ladder as written (%.0f s)%n",
        holdN, holdN / low, floor, floor / low, binding, breakN, breakN / high, seconds, seconds / (ladderSeconds / 2), ladderSeconds / 2);
  }

  /** Fewest requests whose typical violation count (share x n) shows a share below q; MAX_VALUE when share >= q. */
  static long requestsToShowHolds(double share, double q, double alpha) {
    if (!(share < q)) {
      return Long.MAX_VALUE;
    }
    long n = ProbeJudge.requestsToHold(q, alpha, 0);
    while (ProbeJudge.maxViolationsToHold(n, q, alpha) < Math.floor(share * n) && n < 100_000_000L) {
      n += Math.max(1, n / 100);
    }
    return n;
  }

  /** Fewest requests whose typical violation count shows a share above q; MAX_VALUE when share <= q. */
  static long requestsToShowBroken(double share, double q, double alpha) {
    if (!(share > q)) {
      return Long.MAX_VALUE;
    }
    long n = 10;
    while (ProbeJudge.violationsToBreak(n, q, alpha) > Math.ceil(share * n) && n < 100_000_000L) {
      n += Math.max(1, n / 100);
    }
    return n;
  }

  private static String fmt(Map<String, Double> shares) {
    StringBuilder b = new StringBuilder();
    shares.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.format(Locale.ROOT, "%.2f%%", v * 100)));
    return b.toString();
  }

  /** Bisection on the rate for the long-run feasibility boundary, to 0.5%. */
  private static double truth(VirtualProbeRunner runner, List<ObjectiveCheck> checks, Scenario scenario, long requests) {
    double lo = scenario.steps().get(0).offered() / 4;
    double hi = scenario.steps().get(scenario.steps().size() - 1).offered() * 4;
    while ((hi - lo) / (hi + lo) > 0.0025) {
      double mid = Math.sqrt(lo * hi);
      if (feasible(runner.longRunShares(mid, 120, requests, 2), checks)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.sqrt(lo * hi);
  }

  private static boolean feasible(Map<String, Double> shares, List<ObjectiveCheck> checks) {
    for (ObjectiveCheck c : checks) {
      if (!(shares.get(c.share().key()) <= c.share().allowed())) {
        return false;
      }
    }
    return true;
  }

  /**
   * GPU time of a fixed ladder that reaches the search's precision: geometric steps (1+p)/(1-p)
   * apart over the scenario's range, each with the search's warm-up and requests per verdict.
   */
  private static double fixedLadderSeconds(Scenario scenario, SearchSettings s, double requestsPerStep) {
    double min = scenario.steps().stream().mapToDouble(st -> st.offered()).min().orElseThrow();
    double max = scenario.steps().stream().mapToDouble(st -> st.offered()).max().orElseThrow();
    double ratio = (1 + s.precision()) / (1 - s.precision());
    double total = 0;
    for (double r = min; r <= max * 1.0001; r *= ratio) {
      total += s.warmupSeconds() + Math.min(s.maxProbeSeconds(), Math.max(s.minProbeSeconds(), requestsPerStep / r));
    }
    return total;
  }
}
