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
 * Run: {@code mvn -q -o -pl planner -am -Psearch-bench -DskipTests test}
 */
public final class SearchBenchmark {
  private record Workload(String scenario, String tier, Dtype dtype) {}

  public static void main(String[] args) throws Exception {
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
      double truth = truth(new VirtualProbeRunner(plan, info, checks, 1), checks, scenario, truthRequests);
      System.out.printf(Locale.ROOT, "%n## %s on %s %s (objectives %s)%n", w.scenario(), w.tier(), w.dtype().key(),
          checks.stream().map(c -> c.share().key()).toList());
      System.out.printf(Locale.ROOT, "ground truth (predicted, long virtual runs of %,d requests x 2): %.3f req/s%n", truthRequests, truth);
      double start = scenario.steps().get(0).offered();
      SearchSettings settings = SearchSettings.defaults(start);
      int covered = 0;
      double gpu = 0;
      System.out.println("| seed | interval req/s | ±% | covers truth | probes | early stops | GPU-s | stop |");
      System.out.println("|---:|---|---:|---|---:|---:|---:|---|");
      for (long seed = 1; seed <= seeds; seed++) {
        SearchResult r = CapacitySearch.run(ObjectiveCheck.shares(checks), settings, new VirtualProbeRunner(plan, info, checks, seed));
        boolean cover = r.low() <= truth && truth <= r.high();
        covered += cover ? 1 : 0;
        gpu += r.gpuSeconds();
        System.out.printf(Locale.ROOT, "| %d | [%.3f, %.3f] | %.1f | %s | %d | %d | %.0f | %s |%n", seed, r.low(), r.high(),
            r.precision() * 100, cover ? "yes" : "NO", r.probes().size(),
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
      System.out.printf(Locale.ROOT, "coverage %d of %d (nominal >= %.0f%%); search mean GPU-s %.0f%n", covered, seeds,
          settings.confidence() * 100, gpu / seeds);
      System.out.printf(Locale.ROOT, "fixed ladder as written: %d steps, %.0f s (per-step requests %s; a p99 'holds' needs %d)%n",
          scenario.steps().size(), asWritten, scenario.steps().stream().map(s -> Long.toString(Math.round(s.offered() * s.duration().toSeconds()))).toList(),
          ProbeJudge.requestsToHold(0.01, settings.alphaHolds(), 0));
      System.out.printf(Locale.ROOT, "fixed ladder with the search's precision and verdicts: %.0f GPU-s; search / that ladder = %.2f; search / as written = %.2f%n",
          fixed, gpu / seeds / fixed, gpu / seeds / asWritten);
      System.out.printf(Locale.ROOT, "(workload took %.1f s of CPU time to simulate)%n", (System.nanoTime() - t0) / 1e9);
    }
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
